package dev.simrun.worker;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How the worker runs chunks ({@code simrun.worker.*}). Checked as the worker starts: a value out
 * of range stops it with a line naming the setting (decision 0016).
 *
 * @param lease how long a claim holds a chunk without a sign of life (default 5 min): a delivery
 *     that finds the chunk claimed and the lease live answers 409; once it lapses, the next
 *     delivery takes the chunk over as a new attempt. Each progress report extends it.
 * @param progressInterval the shortest time between two progress writes of one chunk (default 500
 *     ms): kinds may report as often as they like. Shorter than {@code lease}, which each write
 *     extends
 * @param progressEventInterval the shortest time between two {@code chunk.progress} events of one
 *     chunk (default 250 ms, so at most 4 per second): the latest report at each tick is sent, the
 *     ones between are dropped, so a fast engine cannot flood the topic
 * @param cancelCheckInterval how often a running chunk asks whether its simulation was cancelled
 *     (default 250 ms: kinds check every few units, so a cancel stops them within a second)
 * @param softTimeLimit how long an attempt may run before it is asked to stop, as a cancel asks
 *     (default 9 min); it then counts as a failed attempt and is retried
 * @param hardTimeLimit how long an attempt may run at all (default 9 min 30 s): past it the worker
 *     abandons the run, gives the chunk back and answers 503. Below {@code
 *     simrun.tasks.dispatch-deadline}, or Cloud Tasks gives up on the push first: the worker
 *     refuses to start otherwise
 * @param maxConcurrentChunks how many CPU-bound chunks (see {@link dev.simrun.kinds.ChunkLoad})
 *     this instance runs at once; 0 (the default) means as many as the cores the JVM sees, at least
 *     2. More than the cores would not finish sooner: the chunks would share the cores while each
 *     holds its working set in the heap. The second one on a single core overlaps one chunk's
 *     database round trips with another's computing.
 * @param maxConcurrentIoChunks how many I/O-bound chunks (kinds whose chunks mostly wait, such as
 *     {@code forecast-backtest}) run at once besides (default 128): they cost a virtual thread and
 *     little memory each, and hold a database connection only for their short transactions
 * @param admissionWait how long a push that finds every slot of its load busy may wait for one
 *     (default 20 s) before it is refused with 429. Keep {@code admission-wait + hard-time-limit}
 *     within {@code simrun.tasks.dispatch-deadline}: Cloud Tasks counts the wait as part of the
 *     push
 * @param waitingPerSlot how many pushes may wait per slot (default 3): the interactive and the
 *     batch queue of a class each push up to twice its slots, so up to three per slot wait when
 *     both are backlogged and every slot is busy
 * @param batchShare the least share of the slots handed out while interactive and batch chunks both
 *     wait that goes to batch chunks (default 0.05): interactive work goes first, and a batch
 *     backlog never starves
 * @param busyRetryAfter what a refused push is told to wait ({@code Retry-After}, whole seconds,
 *     default 1 s). It is answered 429 before the chunk is claimed, so nothing changes
 */
@ConfigurationProperties("simrun.worker")
public record WorkerConfig(
    @Bindable(defaultValue = "5m") @NotNull Duration lease,
    @Bindable(defaultValue = "500ms") @NotNull Duration progressInterval,
    @Bindable(defaultValue = "250ms") @NotNull Duration progressEventInterval,
    @Bindable(defaultValue = "250ms") @NotNull Duration cancelCheckInterval,
    @Bindable(defaultValue = "9m") @NotNull Duration softTimeLimit,
    @Bindable(defaultValue = "570s") @NotNull Duration hardTimeLimit,
    @Bindable(defaultValue = "0") int maxConcurrentChunks,
    @Bindable(defaultValue = "128") int maxConcurrentIoChunks,
    @Bindable(defaultValue = "20s") @NotNull Duration admissionWait,
    @Bindable(defaultValue = "3") int waitingPerSlot,
    @Bindable(defaultValue = "0.05") double batchShare,
    @Bindable(defaultValue = "1s") @NotNull Duration busyRetryAfter) {

  public WorkerConfig {
    Settings.positive("simrun.worker.lease", lease);
    Settings.positive("simrun.worker.progress-interval", progressInterval);
    if (progressInterval.compareTo(lease) >= 0) {
      throw new IllegalArgumentException(
          "simrun.worker.progress-interval must be shorter than simrun.worker.lease, or a running"
              + " chunk's lease lapses between two progress writes; were "
              + Settings.show(progressInterval)
              + " and "
              + Settings.show(lease));
    }
    Settings.notNegative("simrun.worker.progress-event-interval", progressEventInterval);
    Settings.positive("simrun.worker.cancel-check-interval", cancelCheckInterval);
    Settings.positive("simrun.worker.soft-time-limit", softTimeLimit);
    if (hardTimeLimit == null || hardTimeLimit.compareTo(softTimeLimit) < 0) {
      throw new IllegalArgumentException(
          "simrun.worker.hard-time-limit must be at least simrun.worker.soft-time-limit, were "
              + Settings.show(hardTimeLimit)
              + " and "
              + Settings.show(softTimeLimit));
    }
    if (maxConcurrentChunks < 0) {
      throw new IllegalArgumentException(
          "simrun.worker.max-concurrent-chunks must be 0 (as many as the cores) or positive, was "
              + maxConcurrentChunks);
    }
    if (maxConcurrentIoChunks < 1) {
      throw new IllegalArgumentException(
          "simrun.worker.max-concurrent-io-chunks must be positive, was " + maxConcurrentIoChunks);
    }
    Settings.notNegative("simrun.worker.admission-wait", admissionWait);
    if (waitingPerSlot < 0) {
      throw new IllegalArgumentException(
          "simrun.worker.waiting-per-slot must not be negative, was " + waitingPerSlot);
    }
    if (!(batchShare > 0 && batchShare <= 1)) {
      throw new IllegalArgumentException(
          "simrun.worker.batch-share must be above 0 and at most 1, was " + batchShare);
    }
    Settings.atLeast(
        "simrun.worker.busy-retry-after",
        busyRetryAfter,
        Duration.ofSeconds(1),
        " (Retry-After counts whole seconds)");
  }

  /** The limit of CPU-bound chunks, {@code max-concurrent-chunks} with 0 resolved. */
  public int cpuChunkLimit() {
    return maxConcurrentChunks > 0
        ? maxConcurrentChunks
        : Math.max(2, Runtime.getRuntime().availableProcessors());
  }
}
