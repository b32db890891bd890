package dev.simrun.shared.dispatch.cloudtasks;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.DeleteTaskRequest;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.OidcToken;
import com.google.cloud.tasks.v2.Task;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.dispatch.TaskQueue;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** {@link TaskQueue} on Cloud Tasks: named HTTP tasks with an OIDC token for the worker. */
@Singleton
public class CloudTasksTaskQueue implements TaskQueue {
  private final CloudTasksClient client;
  private final TasksConfig config;

  public CloudTasksTaskQueue(CloudTasksClient client, TasksConfig config) {
    this.client = client;
    this.config = config;
  }

  @Override
  public CompletableFuture<Void> create(TaskSpec spec) {
    String worker = config.workerUrlFor(spec.queue());
    Task task =
        Task.newBuilder()
            .setName(spec.queue() + "/tasks/" + spec.taskId())
            .setHttpRequest(
                HttpRequest.newBuilder()
                    .setUrl(worker + spec.path())
                    .setHttpMethod(HttpMethod.POST)
                    .putHeaders("Content-Type", "application/json")
                    .putAllHeaders(spec.headers())
                    .setBody(ByteString.copyFrom(spec.body()))
                    .setOidcToken(
                        OidcToken.newBuilder()
                            .setServiceAccountEmail(config.serviceAccountEmail())
                            .setAudience(config.audienceFor(worker))))
            .setDispatchDeadline(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(config.dispatchDeadline().toSeconds()))
            .build();
    ApiFuture<Task> call =
        client
            .createTaskCallable()
            .futureCall(
                CreateTaskRequest.newBuilder().setParent(spec.queue()).setTask(task).build());
    // Created before: a repeat is a no-op by design.
    return answer(call, null, AlreadyExistsException.class, null);
  }

  @Override
  public CompletableFuture<Void> delete(String queue, String taskId) {
    ApiFuture<Empty> call =
        client
            .deleteTaskCallable()
            .futureCall(DeleteTaskRequest.newBuilder().setName(queue + "/tasks/" + taskId).build());
    // Already run, deleted or never created: gone either way.
    return answer(call, null, NotFoundException.class, null);
  }

  @Override
  public CompletableFuture<Boolean> exists(String queue, String taskId) {
    ApiFuture<Task> call =
        client
            .getTaskCallable()
            .futureCall(GetTaskRequest.newBuilder().setName(queue + "/tasks/" + taskId).build());
    return answer(call, true, NotFoundException.class, false);
  }

  /**
   * Completes with {@code ok} when the call succeeds, with {@code whenExpected} when it fails with
   * {@code expected} (an answer, not an error, for the caller), and exceptionally otherwise.
   */
  private static <T, R> CompletableFuture<R> answer(
      ApiFuture<T> call, R ok, Class<? extends Throwable> expected, R whenExpected) {
    CompletableFuture<R> done = new CompletableFuture<>();
    ApiFutures.addCallback(
        call,
        new ApiFutureCallback<>() {
          @Override
          public void onSuccess(T result) {
            done.complete(ok);
          }

          @Override
          public void onFailure(Throwable t) {
            if (expected.isInstance(t)) {
              done.complete(whenExpected);
            } else {
              done.completeExceptionally(t);
            }
          }
        },
        MoreExecutors.directExecutor());
    return done;
  }
}
