package dev.simrun.emulator.tasks;

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

/**
 * The thirteen Cloud Tasks operations, shared by the gRPC service and the REST gateway so both
 * transports behave alike. Errors are {@link io.grpc.StatusRuntimeException}s with the service's
 * status codes.
 */
final class Operations {
  private final QueueAdmin queues;
  private final TaskAdmin tasks;
  private final Dispatcher dispatcher;

  Operations(QueueAdmin queues, TaskAdmin tasks, Dispatcher dispatcher) {
    this.queues = queues;
    this.tasks = tasks;
    this.dispatcher = dispatcher;
  }

  ListQueuesResponse listQueues(ListQueuesRequest r) {
    return queues.listQueues(r);
  }

  Queue getQueue(GetQueueRequest r) {
    return queues.getQueue(r);
  }

  Queue createQueue(CreateQueueRequest r) {
    return queues.createQueue(r);
  }

  Queue updateQueue(UpdateQueueRequest r) {
    return queues.updateQueue(r);
  }

  Empty deleteQueue(DeleteQueueRequest r) {
    queues.deleteQueue(r);
    return Empty.getDefaultInstance();
  }

  Queue purgeQueue(PurgeQueueRequest r) {
    return queues.purgeQueue(r);
  }

  Queue pauseQueue(PauseQueueRequest r) {
    return queues.pauseQueue(r);
  }

  Queue resumeQueue(ResumeQueueRequest r) {
    return queues.resumeQueue(r);
  }

  ListTasksResponse listTasks(ListTasksRequest r) {
    return tasks.listTasks(r);
  }

  Task getTask(GetTaskRequest r) {
    return tasks.getTask(r);
  }

  Task createTask(CreateTaskRequest r) {
    return tasks.createTask(r);
  }

  Empty deleteTask(DeleteTaskRequest r) {
    tasks.deleteTask(r);
    return Empty.getDefaultInstance();
  }

  Task runTask(RunTaskRequest r) {
    TaskAdmin.RunResult run = tasks.runTask(r);
    dispatcher.send(run.dispatch());
    return run.task();
  }
}
