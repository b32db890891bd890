package dev.simrun.api.dispatch;

import com.google.cloud.tasks.v2.CloudTasksClient;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.dispatch.TaskQueue;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksTaskQueue;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real Cloud Tasks queue (pointed at the emulator) behind a gate a test holds shut, and able to
 * fail a given number of CreateTask calls. Only where {@code test.gated-task-queue} is set.
 */
@Singleton
@Replaces(CloudTasksTaskQueue.class)
@Requires(property = "test.gated-task-queue", value = "true")
class GatedTaskQueue implements TaskQueue {
  private final TaskQueue real;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  GatedTaskQueue(CloudTasksClient client, TasksConfig config) {
    this.real = new CloudTasksTaskQueue(client, config);
  }

  @Override
  public CompletableFuture<Void> create(TaskSpec task) {
    calls.incrementAndGet();
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failed.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("UNAVAILABLE (injected)"));
    }
    return gate.thenCompose(open -> real.create(task));
  }

  @Override
  public CompletableFuture<Void> delete(String queue, String taskId) {
    return real.delete(queue, taskId);
  }

  @Override
  public CompletableFuture<Boolean> exists(String queue, String taskId) {
    return real.exists(queue, taskId);
  }

  void close() {
    gate = new CompletableFuture<>();
  }

  void open() {
    gate.complete(null);
  }

  void failNext(int n) {
    failuresLeft.set(n);
    failed.set(0);
  }

  int failed() {
    return failed.get();
  }

  int calls() {
    return calls.get();
  }
}
