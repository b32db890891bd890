package dev.simrun.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How the worker runs chunks ({@code simrun.worker.*}).
 *
 * @param lease how long a claim holds a chunk without a sign of life (default 5 min): a delivery
 *     that finds the chunk claimed and the lease live answers 409; once it lapses, the next
 *     delivery takes the chunk over as a new attempt. Each progress report extends it.
 * @param progressInterval the shortest time between two progress writes of one chunk (default 500
 *     ms): kinds may report as often as they like
 * @param progressEventInterval the shortest time between two {@code chunk.progress} events of one
 *     chunk (default 250 ms, so at most 4 per second): the latest report at each tick is sent, the
 *     ones between are dropped, so a fast engine cannot flood the topic
 * @param cancelCheckInterval how often a running chunk asks whether its simulation was cancelled
 *     (default 250 ms: kinds check every few units, so a cancel stops them within a second)
 * @param softTimeLimit how long an attempt may run before it is asked to stop, as a cancel asks
 *     (default 9 min); it then counts as a failed attempt and is retried
 * @param hardTimeLimit how long an attempt may run at all (default 9 min 30 s): past it the worker
 *     abandons the run, gives the chunk back and answers 503. Keep it below {@code
 *     simrun.tasks.dispatch-deadline}, or Cloud Tasks gives up on the push first
 */
@ConfigurationProperties("simrun.worker")
public record WorkerConfig(
    @Bindable(defaultValue = "5m") @NotNull Duration lease,
    @Bindable(defaultValue = "500ms") @NotNull Duration progressInterval,
    @Bindable(defaultValue = "250ms") @NotNull Duration progressEventInterval,
    @Bindable(defaultValue = "250ms") @NotNull Duration cancelCheckInterval,
    @Bindable(defaultValue = "9m") @NotNull Duration softTimeLimit,
    @Bindable(defaultValue = "570s") @NotNull Duration hardTimeLimit) {

  public WorkerConfig {
    if (!lease.isPositive()
        || !progressInterval.isPositive()
        || progressEventInterval.isNegative()) {
      throw new IllegalArgumentException(
          "simrun.worker.lease and progress-interval must be positive, were "
              + lease
              + " and "
              + progressInterval);
    }
    if (!softTimeLimit.isPositive() || hardTimeLimit.compareTo(softTimeLimit) < 0) {
      throw new IllegalArgumentException(
          "simrun.worker.soft-time-limit must be positive and hard-time-limit at least as long,"
              + " were "
              + softTimeLimit
              + " and "
              + hardTimeLimit);
    }
  }
}
