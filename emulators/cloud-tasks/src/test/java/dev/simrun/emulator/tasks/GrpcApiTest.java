package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.UnimplementedException;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.OAuthToken;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue and task API through the real google-cloud-tasks client over gRPC. */
class GrpcApiTest {
  static final LocationName LOCATION = Harness.LOCATION;

  @RegisterExtension static Harness tasks = Harness.grpc();

  static QueueName newQueue() {
    return tasks.newQueue("q", q -> q);
  }

  static Task httpTask(String path) {
    return Task.newBuilder()
        .setHttpRequest(
            HttpRequest.newBuilder()
                .setUrl(tasks.receiver().url(path))
                .setBody(ByteString.copyFromUtf8("{\"chunk\":1}"))
                .putHeaders("Content-Type", "application/json"))
        .build();
  }

  @Test
  void createdQueueHasCloudTasksDefaults() {
    QueueName name = newQueue();
    Queue queue = tasks.client().getQueue(name);
    assertThat(queue.getState()).isEqualTo(Queue.State.RUNNING);
    assertThat(queue.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(500.0);
    assertThat(queue.getRateLimits().getMaxBurstSize()).isEqualTo(100);
    assertThat(queue.getRateLimits().getMaxConcurrentDispatches()).isEqualTo(1000);
    assertThat(queue.getRetryConfig().getMaxAttempts()).isEqualTo(100);
    assertThat(queue.getRetryConfig().getMinBackoff()).isEqualTo(Durations.fromMillis(100));
    assertThat(queue.getRetryConfig().getMaxBackoff()).isEqualTo(Durations.fromSeconds(3600));
    assertThat(queue.getRetryConfig().getMaxDoublings()).isEqualTo(16);
  }

  @Test
  void creatingAQueueTwiceFailsWithAlreadyExists() {
    QueueName name = newQueue();
    assertThatThrownBy(
            () ->
                tasks
                    .client()
                    .createQueue(LOCATION, Queue.newBuilder().setName(name.toString()).build()))
        .isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void missingQueuesAndTasksAreNotFound() {
    QueueName missing = QueueName.of("simrun-test", "local", "no-such-queue");
    assertThatThrownBy(() -> tasks.client().getQueue(missing))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().createTask(missing, httpTask("/x")))
        .isInstanceOf(NotFoundException.class);
    QueueName queue = newQueue();
    assertThatThrownBy(() -> tasks.client().getTask(queue + "/tasks/nope"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().deleteTask(queue + "/tasks/nope"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().deleteQueue(missing))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void invalidRequestsAreRejectedWithInvalidArgument() {
    assertThatThrownBy(
            () ->
                tasks
                    .client()
                    .createQueue(
                        LOCATION,
                        Queue.newBuilder().setName(LOCATION + "/queues/bad_underscore").build()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                tasks
                    .client()
                    .createQueue(
                        LOCATION,
                        Queue.newBuilder()
                            .setName(LOCATION + "/queues/too-fast")
                            .setRateLimits(RateLimits.newBuilder().setMaxDispatchesPerSecond(501))
                            .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("max_dispatches_per_second");
    QueueName queue = newQueue();
    Task getWithBody =
        Task.newBuilder()
            .setHttpRequest(
                HttpRequest.newBuilder()
                    .setUrl(tasks.receiver().url("/get"))
                    .setHttpMethod(HttpMethod.GET)
                    .setBody(ByteString.copyFromUtf8("x")))
            .build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, getWithBody))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("body");
    Task shortDeadline =
        httpTask("/x").toBuilder().setDispatchDeadline(Durations.fromSeconds(14)).build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, shortDeadline))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("dispatch_deadline");
    Task longDeadline =
        httpTask("/x").toBuilder().setDispatchDeadline(Durations.fromSeconds(1801)).build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, longDeadline))
        .isInstanceOf(InvalidArgumentException.class);
    Task relativeUrl =
        Task.newBuilder().setHttpRequest(HttpRequest.newBuilder().setUrl("/relative")).build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, relativeUrl))
        .isInstanceOf(InvalidArgumentException.class);
    Task otherQueue =
        httpTask("/x").toBuilder().setName(LOCATION + "/queues/elsewhere/tasks/t1").build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, otherQueue))
        .isInstanceOf(InvalidArgumentException.class);
    Task tooBig =
        httpTask("/x").toBuilder()
            .setHttpRequest(
                httpTask("/x").getHttpRequest().toBuilder()
                    .setBody(ByteString.copyFrom(new byte[101 * 1024])))
            .build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, tooBig))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("100 KB");
    Task oauth =
        httpTask("/x").toBuilder()
            .setHttpRequest(
                httpTask("/x").getHttpRequest().toBuilder()
                    .setOauthToken(OAuthToken.newBuilder().setServiceAccountEmail("a@b.c")))
            .build();
    assertThatThrownBy(() -> tasks.client().createTask(queue, oauth))
        .isInstanceOf(UnimplementedException.class);
    assertThat(tasks.client().listTasks(queue).iterateAll()).isEmpty();
  }

  @Test
  void aTaskIsPushedWithItsRequestAndCloudTasksHeaders() {
    QueueName queue = newQueue();
    Task created =
        tasks
            .client()
            .createTask(
                queue,
                httpTask("/push").toBuilder()
                    .setName(queue + "/tasks/first-task")
                    .setHttpRequest(
                        httpTask("/push").getHttpRequest().toBuilder()
                            .putHeaders("X-Custom", "kept")
                            .putHeaders("User-Agent", "replaced")
                            .putHeaders("X-CloudTasks-TaskName", "spoofed"))
                    .build());
    assertThat(created.getName()).isEqualTo(queue + "/tasks/first-task");

    await().until(() -> !tasks.receiver().deliveriesOf("first-task").isEmpty());
    TestReceiver.Delivery d = tasks.receiver().deliveriesOf("first-task").getFirst();
    assertThat(d.method()).isEqualTo("POST");
    assertThat(d.path()).isEqualTo("/push");
    assertThat(new String(d.body())).isEqualTo("{\"chunk\":1}");
    assertThat(d.header("Content-Type")).isEqualTo("application/json");
    assertThat(d.header("X-Custom")).isEqualTo("kept");
    assertThat(d.header("User-Agent")).isEqualTo("Google-Cloud-Tasks");
    assertThat(d.header("X-CloudTasks-QueueName")).isEqualTo(queue.getQueue());
    assertThat(d.header("X-CloudTasks-TaskName")).isEqualTo("first-task");
    assertThat(d.header("X-CloudTasks-TaskRetryCount")).isEqualTo("0");
    assertThat(d.header("X-CloudTasks-TaskExecutionCount")).isEqualTo("0");
    assertThat(d.header("X-CloudTasks-TaskPreviousResponse")).isNull();
    assertThat(d.header("X-CloudTasks-TaskRetryReason")).isNull();
    double eta = Double.parseDouble(d.header("X-CloudTasks-TaskETA"));
    double scheduled =
        created.getScheduleTime().getSeconds() + created.getScheduleTime().getNanos() / 1e9;
    assertThat(eta).isCloseTo(scheduled, org.assertj.core.data.Offset.offset(1e-5));
    // A task that succeeded is gone.
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(queue + "/tasks/first-task"))
                    .isInstanceOf(NotFoundException.class));
  }

  @Test
  void unnamedTasksGetGeneratedNames() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    Task a = tasks.client().createTask(queue, httpTask("/a"));
    Task b = tasks.client().createTask(queue, httpTask("/b"));
    assertThat(a.getName()).startsWith(queue + "/tasks/").isNotEqualTo(b.getName());
  }

  @Test
  void pauseHoldsDispatchAndResumeReleasesIt() throws Exception {
    QueueName queue = newQueue();
    assertThat(tasks.client().pauseQueue(queue).getState()).isEqualTo(Queue.State.PAUSED);
    Task task = tasks.client().createTask(queue, httpTask("/paused"));
    String id = task.getName().substring(task.getName().lastIndexOf('/') + 1);
    Thread.sleep(300);
    assertThat(tasks.receiver().deliveriesOf(id)).isEmpty();
    assertThat(tasks.client().getTask(task.getName()).getDispatchCount()).isZero();
    assertThat(tasks.client().resumeQueue(queue).getState()).isEqualTo(Queue.State.RUNNING);
    await().until(() -> tasks.receiver().deliveriesOf(id).size() == 1);
  }

  @Test
  void purgeDeletesEveryTaskAndDeleteTaskPreventsDispatch() throws Exception {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Task t = tasks.client().createTask(queue, httpTask("/purged"));
      ids.add(t.getName().substring(t.getName().lastIndexOf('/') + 1));
    }
    Task kept = tasks.client().createTask(queue, httpTask("/deleted"));
    tasks.client().deleteTask(kept.getName());
    assertThatThrownBy(() -> tasks.client().getTask(kept.getName()))
        .isInstanceOf(NotFoundException.class);
    Queue purged = tasks.client().purgeQueue(queue);
    assertThat(purged.hasPurgeTime()).isTrue();
    assertThat(tasks.client().listTasks(queue).iterateAll()).isEmpty();
    tasks.client().resumeQueue(queue);
    Task after = tasks.client().createTask(queue, httpTask("/after-purge"));
    String afterId = after.getName().substring(after.getName().lastIndexOf('/') + 1);
    await().until(() -> tasks.receiver().deliveriesOf(afterId).size() == 1);
    for (String id : ids) {
      assertThat(tasks.receiver().deliveriesOf(id)).isEmpty();
    }
    assertThat(tasks.receiver().deliveries()).noneMatch(d -> d.path().equals("/deleted"));
  }

  @Test
  void futureScheduleTimeIsHonored() {
    QueueName queue = newQueue();
    long at = System.currentTimeMillis() + 1500;
    Task task =
        tasks
            .client()
            .createTask(
                queue,
                httpTask("/later").toBuilder()
                    .setName(queue + "/tasks/later")
                    .setScheduleTime(com.google.protobuf.util.Timestamps.fromMillis(at))
                    .build());
    assertThat(task.getScheduleTime())
        .isEqualTo(com.google.protobuf.util.Timestamps.fromMillis(at));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tasks.receiver().deliveriesOf("later").size() == 1);
    TestReceiver.Delivery d = tasks.receiver().deliveriesOf("later").getFirst();
    assertThat(d.at().toEpochMilli()).isGreaterThanOrEqualTo(at);
  }

  @Test
  void runTaskDispatchesNowEvenWhenPausedOrScheduledLater() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    Task task =
        tasks
            .client()
            .createTask(
                queue,
                httpTask("/run").toBuilder()
                    .setName(queue + "/tasks/run-me")
                    .setScheduleTime(
                        com.google.protobuf.util.Timestamps.fromMillis(
                            System.currentTimeMillis() + 3_600_000))
                    .build());
    Task ran = tasks.client().runTask(task.getName());
    assertThat(ran.getDispatchCount()).isEqualTo(1);
    await().until(() -> tasks.receiver().deliveriesOf("run-me").size() == 1);
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().runTask(task.getName()))
                    .isInstanceOf(NotFoundException.class));
  }

  @Test
  void listsPageThroughQueuesAndTasks() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    for (int i = 0; i < 7; i++) {
      tasks.client().createTask(queue, httpTask("/page"));
    }
    var page =
        tasks
            .client()
            .listTasks(
                com.google.cloud.tasks.v2.ListTasksRequest.newBuilder()
                    .setParent(queue.toString())
                    .setPageSize(3)
                    .build());
    assertThat(page.getPage().getPageElementCount()).isEqualTo(3);
    List<Task> all = new ArrayList<>();
    page.iterateAll().forEach(all::add);
    assertThat(all).hasSize(7).extracting(Task::getName).doesNotHaveDuplicates();

    var paused =
        tasks
            .client()
            .listQueues(
                ListQueuesRequest.newBuilder()
                    .setParent(LOCATION.toString())
                    .setFilter("state: PAUSED")
                    .build());
    List<String> pausedNames = new ArrayList<>();
    paused.iterateAll().forEach(q -> pausedNames.add(q.getName()));
    assertThat(pausedNames).contains(queue.toString());
    assertThat(pausedNames)
        .allSatisfy(
            n -> assertThat(tasks.client().getQueue(n).getState()).isEqualTo(Queue.State.PAUSED));
  }

  @Test
  void updateQueueChangesMaskedFieldsAndCreatesMissingQueues() {
    QueueName queue = newQueue();
    Queue updated =
        tasks
            .client()
            .updateQueue(
                Queue.newBuilder()
                    .setName(queue.toString())
                    .setRateLimits(RateLimits.newBuilder().setMaxDispatchesPerSecond(20))
                    .setRetryConfig(RetryConfig.newBuilder().setMaxAttempts(5))
                    .build(),
                FieldMask.newBuilder().addPaths("rate_limits.max_dispatches_per_second").build());
    assertThat(updated.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(20.0);
    assertThat(updated.getRateLimits().getMaxBurstSize()).isEqualTo(4);
    assertThat(updated.getRetryConfig().getMaxAttempts()).isEqualTo(100);

    QueueName created = QueueName.of("simrun-test", "local", "made-by-update");
    Queue made =
        tasks
            .client()
            .updateQueue(
                Queue.newBuilder()
                    .setName(created.toString())
                    .setRetryConfig(RetryConfig.newBuilder().setMaxAttempts(3))
                    .build(),
                FieldMask.getDefaultInstance());
    assertThat(made.getRetryConfig().getMaxAttempts()).isEqualTo(3);
    assertThat(tasks.client().getQueue(created).getState()).isEqualTo(Queue.State.RUNNING);
  }

  @Test
  void deleteQueueRemovesItAndItsTasks() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    Task t = tasks.client().createTask(queue, httpTask("/gone"));
    tasks.client().deleteQueue(queue);
    assertThatThrownBy(() -> tasks.client().getQueue(queue)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().getTask(t.getName()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void fullViewReturnsTheBodyAndBasicViewOmitsIt() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    Task t = tasks.client().createTask(queue, httpTask("/view"));
    assertThat(tasks.client().getTask(t.getName()).getHttpRequest().getBody().isEmpty()).isTrue();
    Task full =
        tasks
            .client()
            .getTask(
                com.google.cloud.tasks.v2.GetTaskRequest.newBuilder()
                    .setName(t.getName())
                    .setResponseView(Task.View.FULL)
                    .build());
    assertThat(full.getHttpRequest().getBody().toStringUtf8()).isEqualTo("{\"chunk\":1}");
  }
}
