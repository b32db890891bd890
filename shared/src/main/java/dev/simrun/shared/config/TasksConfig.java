package dev.simrun.shared.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How SimRun reaches Cloud Tasks and how tasks reach the worker ({@code simrun.tasks.*}).
 *
 * @param project the Google Cloud project of the queues
 * @param location the queues' region
 * @param interactiveQueue queue id for people's simulations
 * @param batchQueue queue id for scheduled batches, rate-limited apart
 * @param interactiveIoQueue queue id for people's simulations whose chunks mostly wait (kinds with
 *     {@code ChunkLoad.IO}); sized to the I/O slots, apart from the CPU-bound queues
 * @param batchIoQueue queue id for scheduled batches whose chunks mostly wait
 * @param finalizeQueue queue id for finalize tasks (combining a simulation's chunk results), which
 *     take no worker slot and are pushed to the CPU-bound worker
 * @param workerUrl the worker's base URL; tasks POST to paths under it
 * @param ioWorkerUrl the base URL of the worker that serves the I/O-bound queues; the same as
 *     {@code worker-url} when empty (one worker serving both, as locally)
 * @param serviceAccountEmail the account whose OIDC token Cloud Tasks attaches
 * @param audience the token's audience; the URL of the worker a task goes to when empty
 * @param emulatorEndpoint {@code host:port} of a Cloud Tasks emulator (plaintext, no credentials);
 *     empty in production
 * @param dispatchParallelism CreateTask calls in flight at once per dispatcher
 * @param createRetryDelay how long an outbox row whose CreateTask failed waits before the next try
 * @param dispatchDeadline how long Cloud Tasks waits for the worker's answer to one push before
 *     counting the attempt as failed (15 s to 30 min; Cloud Tasks' default is 10 min): longer than
 *     the slowest chunk, or a chunk still running gets retried. The worker refuses to start unless
 *     its {@code simrun.worker.hard-time-limit} is shorter; the api and the worker must be given
 *     the same value
 * @param maxAttempts how many attempts of a task may fail before the worker records a dead letter
 *     and answers 2xx (default 100, Cloud Tasks' default; -1 for never). Only failed attempts count
 *     (5xx or no answer, see decision 0012), not pushes the worker refused because it was busy; so
 *     the queues themselves retry without limit ({@code max_attempts = -1}), and the worker alone
 *     decides when a task is given up
 */
@ConfigurationProperties("simrun.tasks")
public record TasksConfig(
    @Bindable(defaultValue = "simrun-local") @NotBlank String project,
    @Bindable(defaultValue = "local") @NotBlank String location,
    @Bindable(defaultValue = "simulations-interactive") @NotBlank String interactiveQueue,
    @Bindable(defaultValue = "simulations-batch") @NotBlank String batchQueue,
    @Bindable(defaultValue = "simulations-interactive-io") @NotBlank String interactiveIoQueue,
    @Bindable(defaultValue = "simulations-batch-io") @NotBlank String batchIoQueue,
    @Bindable(defaultValue = "simulations-finalize") @NotBlank String finalizeQueue,
    @Bindable(defaultValue = "http://127.0.0.1:8081") @NotBlank String workerUrl,
    @Nullable String ioWorkerUrl,
    @Bindable(defaultValue = "simrun-tasks@simrun-local.iam.gserviceaccount.com") @NotBlank
        String serviceAccountEmail,
    @Nullable String audience,
    @Nullable String emulatorEndpoint,
    @Bindable(defaultValue = "64") @Min(1) int dispatchParallelism,
    @Bindable(defaultValue = "5s") @NotNull Duration createRetryDelay,
    @Bindable(defaultValue = "10m") @NotNull Duration dispatchDeadline,
    @Bindable(defaultValue = "100") int maxAttempts) {

  public TasksConfig {
    Settings.notNegative("simrun.tasks.create-retry-delay", createRetryDelay);
    if (dispatchDeadline == null
        || dispatchDeadline.compareTo(Duration.ofSeconds(15)) < 0
        || dispatchDeadline.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new IllegalArgumentException(
          "simrun.tasks.dispatch-deadline must be between 15s and 30m (Cloud Tasks' limits), was "
              + Settings.show(dispatchDeadline));
    }
    if (maxAttempts == 0 || maxAttempts < -1) {
      throw new IllegalArgumentException(
          "simrun.tasks.max-attempts must be -1 (unlimited) or positive, was " + maxAttempts);
    }
  }

  /**
   * True when a failure of this attempt, after {@code failedBefore} earlier failed ones, uses up
   * the budget: the task is then given up as a dead letter. -1 (not known) is never the last.
   */
  public boolean lastAttempt(int failedBefore) {
    return maxAttempts > 0 && failedBefore >= 0 && failedBefore + 1 >= maxAttempts;
  }

  public String queueName(String queueId) {
    return "projects/" + project + "/locations/" + location + "/queues/" + queueId;
  }

  /** The base URL of the worker that serves the queue {@code queueName} (a full name). */
  public String workerUrlFor(String queueName) {
    boolean io =
        queueName.equals(queueName(interactiveIoQueue))
            || queueName.equals(queueName(batchIoQueue));
    return io && ioWorkerUrl != null && !ioWorkerUrl.isBlank() ? ioWorkerUrl : workerUrl;
  }

  /** The OIDC audience of tasks pushed to {@code url}: {@code audience} when set, else the URL. */
  public String audienceFor(String url) {
    return audience == null || audience.isBlank() ? url : audience;
  }
}
