package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.ListTasksRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.RunTaskRequest;
import com.google.cloud.tasks.v2.Task;
import com.google.cloud.tasks.v2.TaskName;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real google-cloud-tasks client over its HttpJson (REST) transport: the requests it sends and
 * the error shapes it understands must match the emulator's REST gateway.
 */
class HttpJsonClientTest {
  static final LocationName LOCATION = LocationName.of("httpjson-test", "local");

  @RegisterExtension static Harness tasks = Harness.httpJson();

  static QueueName newQueue() {
    QueueName name =
        QueueName.of(LOCATION.getProject(), LOCATION.getLocation(), "q-" + UUID.randomUUID());
    tasks.client().createQueue(LOCATION, Queue.newBuilder().setName(name.toString()).build());
    return name;
  }

  static Task httpTask(String name, String path, String body) {
    Task.Builder t =
        Task.newBuilder()
            .setHttpRequest(
                HttpRequest.newBuilder()
                    .setUrl(tasks.receiver().url(path))
                    .setHttpMethod(HttpMethod.PUT)
                    .setBody(ByteString.copyFromUtf8(body))
                    .putHeaders("Content-Type", "application/json")
                    .putHeaders("X-Custom", "kept"));
    if (name != null) {
      t.setName(name);
    }
    return t.build();
  }

  static String id(Task task) {
    return TaskName.parse(task.getName()).getTask();
  }

  @Test
  void createsGetsUpdatesListsAndDeletesQueues() {
    QueueName name =
        QueueName.of(LOCATION.getProject(), LOCATION.getLocation(), "q-" + UUID.randomUUID());
    Queue created =
        tasks
            .client()
            .createQueue(
                LOCATION,
                Queue.newBuilder()
                    .setName(name.toString())
                    .setRetryConfig(
                        RetryConfig.newBuilder()
                            .setMaxAttempts(7)
                            .setMinBackoff(Durations.fromSeconds(1)))
                    .build());
    assertThat(created.getState()).isEqualTo(Queue.State.RUNNING);
    assertThat(created.getRetryConfig().getMaxAttempts()).isEqualTo(7);
    assertThat(created.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(500.0);

    Queue fetched = tasks.client().getQueue(name);
    assertThat(fetched).isEqualTo(created);

    assertThat(tasks.client().pauseQueue(name).getState()).isEqualTo(Queue.State.PAUSED);
    assertThat(tasks.client().getQueue(name).getState()).isEqualTo(Queue.State.PAUSED);
    List<String> paused = new ArrayList<>();
    tasks
        .client()
        .listQueues(
            ListQueuesRequest.newBuilder()
                .setParent(LOCATION.toString())
                .setFilter("state: PAUSED")
                .build())
        .iterateAll()
        .forEach(q -> paused.add(q.getName()));
    assertThat(paused).contains(name.toString());
    assertThat(tasks.client().resumeQueue(name).getState()).isEqualTo(Queue.State.RUNNING);

    Queue updated =
        tasks
            .client()
            .updateQueue(
                Queue.newBuilder()
                    .setName(name.toString())
                    .setRateLimits(RateLimits.newBuilder().setMaxDispatchesPerSecond(10))
                    .setRetryConfig(RetryConfig.newBuilder().setMaxAttempts(2))
                    .build(),
                FieldMask.newBuilder().addPaths("rate_limits.max_dispatches_per_second").build());
    assertThat(updated.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(10.0);
    assertThat(updated.getRateLimits().getMaxBurstSize()).isEqualTo(2);
    assertThat(updated.getRetryConfig().getMaxAttempts()).isEqualTo(7);
    assertThat(tasks.client().getQueue(name)).isEqualTo(updated);

    assertThat(tasks.client().purgeQueue(name).hasPurgeTime()).isTrue();
    tasks.client().deleteQueue(name);
    assertThatThrownBy(() -> tasks.client().getQueue(name)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void namedTaskRoundTripsAndIsPushed() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    String name = queue + "/tasks/httpjson-named";
    Task created = tasks.client().createTask(queue, httpTask(name, "/httpjson/push", "{\"n\":1}"));
    assertThat(created.getName()).isEqualTo(name);
    assertThat(created.getHttpRequest().getHttpMethod()).isEqualTo(HttpMethod.PUT);
    assertThat(created.getDispatchCount()).isZero();

    Task basic = tasks.client().getTask(name);
    assertThat(basic.getView()).isEqualTo(Task.View.BASIC);
    assertThat(basic.getHttpRequest().getBody().isEmpty()).isTrue();
    assertThat(basic.getHttpRequest().getHeadersMap()).containsEntry("X-Custom", "kept");
    Task full =
        tasks
            .client()
            .getTask(
                GetTaskRequest.newBuilder().setName(name).setResponseView(Task.View.FULL).build());
    assertThat(full.getView()).isEqualTo(Task.View.FULL);
    assertThat(full.getHttpRequest().getBody().toStringUtf8()).isEqualTo("{\"n\":1}");

    List<Task> listed = new ArrayList<>();
    tasks
        .client()
        .listTasks(
            ListTasksRequest.newBuilder()
                .setParent(queue.toString())
                .setResponseView(Task.View.FULL)
                .build())
        .iterateAll()
        .forEach(listed::add);
    assertThat(listed).singleElement().isEqualTo(full);

    tasks.client().resumeQueue(queue);
    await().until(() -> tasks.receiver().deliveriesOf("httpjson-named").size() == 1);
    TestReceiver.Delivery d = tasks.receiver().deliveriesOf("httpjson-named").getFirst();
    assertThat(d.method()).isEqualTo("PUT");
    assertThat(d.path()).isEqualTo("/httpjson/push");
    assertThat(new String(d.body())).isEqualTo("{\"n\":1}");
    assertThat(d.header("X-Custom")).isEqualTo("kept");
    assertThat(d.header("Content-Type")).isEqualTo("application/json");
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(name))
                    .isInstanceOf(NotFoundException.class));
  }

  @Test
  void listTasksPagesThroughEveryTask() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(
          tasks.client().createTask(queue, httpTask(null, "/httpjson/page", "p")).getName());
    }
    var response =
        tasks
            .client()
            .listTasks(
                ListTasksRequest.newBuilder().setParent(queue.toString()).setPageSize(2).build());
    assertThat(response.getPage().getPageElementCount()).isEqualTo(2);
    assertThat(response.getNextPageToken()).isNotEmpty();
    List<String> all = new ArrayList<>();
    response.iterateAll().forEach(t -> all.add(t.getName()));
    assertThat(all).containsExactlyElementsOf(created);
  }

  @Test
  void runTaskDispatchesAtOnceAndDeleteTaskPreventsDispatch() {
    QueueName queue = newQueue();
    tasks.client().pauseQueue(queue);
    Task runner =
        tasks.client().createTask(queue, httpTask(queue + "/tasks/hj-run", "/httpjson/run", "r"));
    Task doomed =
        tasks
            .client()
            .createTask(queue, httpTask(queue + "/tasks/hj-doomed", "/httpjson/doomed", "d"));

    tasks.client().deleteTask(doomed.getName());
    assertThatThrownBy(() -> tasks.client().getTask(doomed.getName()))
        .isInstanceOf(NotFoundException.class);

    Task ran =
        tasks
            .client()
            .runTask(
                RunTaskRequest.newBuilder()
                    .setName(runner.getName())
                    .setResponseView(Task.View.FULL)
                    .build());
    assertThat(ran.getDispatchCount()).isEqualTo(1);
    assertThat(ran.getHttpRequest().getBody().toStringUtf8()).isEqualTo("r");
    await().until(() -> tasks.receiver().deliveriesOf(id(runner)).size() == 1);
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().runTask(runner.getName()))
                    .isInstanceOf(NotFoundException.class));

    tasks.client().resumeQueue(queue);
    Task marker = tasks.client().createTask(queue, httpTask(null, "/httpjson/marker", "m"));
    await().until(() -> tasks.receiver().deliveriesOf(id(marker)).size() == 1);
    assertThat(tasks.receiver().deliveriesOf("hj-doomed")).isEmpty();
  }

  /**
   * gax's HttpJson transport maps an error by its HTTP status alone (HttpJsonStatusCode: 409 ->
   * ABORTED, see googleapis/sdk-platform-java#2620), so against Cloud Tasks itself, as against the
   * emulator, a duplicate surfaces as an AbortedException with HTTP 409 whose body says
   * ALREADY_EXISTS; over gRPC it is an AlreadyExistsException (GrpcApiTest).
   */
  static void assertAlreadyExists(Throwable thrown, String messagePart) {
    assertThat(thrown).isInstanceOf(AbortedException.class).hasMessageContaining(messagePart);
    ApiException e = (ApiException) thrown;
    assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.ABORTED);
    assertThat(e.getStatusCode().getTransportCode()).isEqualTo(409);
    assertThat(e.getCause())
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            cause ->
                assertThat(cause.getContent())
                    .contains("\"code\":409")
                    .contains("\"status\":\"ALREADY_EXISTS\""));
  }

  @Test
  void restErrorShapesSurfaceAsTypedExceptions() {
    QueueName queue = newQueue();
    assertAlreadyExists(
        catchThrowable(
            () ->
                tasks
                    .client()
                    .createQueue(LOCATION, Queue.newBuilder().setName(queue.toString()).build())),
        queue.toString());

    tasks.client().pauseQueue(queue);
    String name = queue + "/tasks/hj-twice";
    tasks.client().createTask(queue, httpTask(name, "/httpjson/twice", "x"));
    assertAlreadyExists(
        catchThrowable(
            () -> tasks.client().createTask(queue, httpTask(name, "/httpjson/twice", "x"))),
        name);

    QueueName missing = QueueName.of(LOCATION.getProject(), LOCATION.getLocation(), "missing");
    assertThatThrownBy(() -> tasks.client().getQueue(missing))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.NOT_FOUND));
    assertThatThrownBy(() -> tasks.client().createTask(missing, httpTask(null, "/x", "x")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().getTask(queue + "/tasks/nope"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().deleteTask(queue + "/tasks/nope"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tasks.client().deleteQueue(missing))
        .isInstanceOf(NotFoundException.class);

    assertThatThrownBy(
            () ->
                tasks
                    .client()
                    .createQueue(
                        LOCATION,
                        Queue.newBuilder()
                            .setName(queue + "-fast")
                            .setRateLimits(RateLimits.newBuilder().setMaxDispatchesPerSecond(501))
                            .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("max_dispatches_per_second");
    // The rejected queue was not created.
    assertThatThrownBy(() -> tasks.client().getQueue(queue + "-fast"))
        .isInstanceOf(NotFoundException.class);
  }
}
