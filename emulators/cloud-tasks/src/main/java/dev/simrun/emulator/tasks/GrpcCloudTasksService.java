package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CloudTasksGrpc;
import com.google.cloud.tasks.v2.CreateQueueRequest;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.DeleteQueueRequest;
import com.google.cloud.tasks.v2.DeleteTaskRequest;
import com.google.cloud.tasks.v2.GetQueueRequest;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.ListQueuesResponse;
import com.google.cloud.tasks.v2.ListTasksRequest;
import com.google.cloud.tasks.v2.ListTasksResponse;
import com.google.cloud.tasks.v2.PauseQueueRequest;
import com.google.cloud.tasks.v2.PurgeQueueRequest;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.ResumeQueueRequest;
import com.google.cloud.tasks.v2.RunTaskRequest;
import com.google.cloud.tasks.v2.Task;
import com.google.cloud.tasks.v2.UpdateQueueRequest;
import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code google.cloud.tasks.v2.CloudTasks} over gRPC; every call is one {@link Operations} call.
 */
final class GrpcCloudTasksService extends CloudTasksGrpc.CloudTasksImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcCloudTasksService.class);
  private final Operations ops;

  GrpcCloudTasksService(Operations ops) {
    this.ops = ops;
  }

  @Override
  public void listQueues(ListQueuesRequest r, StreamObserver<ListQueuesResponse> o) {
    answer(o, () -> ops.listQueues(r));
  }

  @Override
  public void getQueue(GetQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.getQueue(r));
  }

  @Override
  public void createQueue(CreateQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.createQueue(r));
  }

  @Override
  public void updateQueue(UpdateQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.updateQueue(r));
  }

  @Override
  public void deleteQueue(DeleteQueueRequest r, StreamObserver<Empty> o) {
    answer(o, () -> ops.deleteQueue(r));
  }

  @Override
  public void purgeQueue(PurgeQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.purgeQueue(r));
  }

  @Override
  public void pauseQueue(PauseQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.pauseQueue(r));
  }

  @Override
  public void resumeQueue(ResumeQueueRequest r, StreamObserver<Queue> o) {
    answer(o, () -> ops.resumeQueue(r));
  }

  @Override
  public void listTasks(ListTasksRequest r, StreamObserver<ListTasksResponse> o) {
    answer(o, () -> ops.listTasks(r));
  }

  @Override
  public void getTask(GetTaskRequest r, StreamObserver<Task> o) {
    answer(o, () -> ops.getTask(r));
  }

  @Override
  public void createTask(CreateTaskRequest r, StreamObserver<Task> o) {
    answer(o, () -> ops.createTask(r));
  }

  @Override
  public void deleteTask(DeleteTaskRequest r, StreamObserver<Empty> o) {
    answer(o, () -> ops.deleteTask(r));
  }

  @Override
  public void runTask(RunTaskRequest r, StreamObserver<Task> o) {
    answer(o, () -> ops.runTask(r));
  }

  private static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      LOG.error("unexpected failure", e);
      observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
