package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.ListQueuesResponse;
import com.google.cloud.tasks.v2.ListTasksResponse;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Cloud Tasks v2 REST API (proto3 JSON over plain HTTP/1.1, no Google client) and the
 * emulator's own stats and fault endpoints.
 */
class RestApiTest {
  static final String LOCATION = "projects/rest-test/locations/local";

  @RegisterExtension static CloudTasksEmulatorExtension tasks = new CloudTasksEmulatorExtension();

  static HttpClient http;
  static TestReceiver receiver;

  @BeforeAll
  static void start() {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    receiver = TestReceiver.start();
  }

  @AfterAll
  static void stop() {
    http.close();
    receiver.close();
  }

  // ---------------------------------------------------------------- helpers

  record Reply(int status, String body) {}

  static Reply call(String method, String pathAndQuery, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(tasks.emulator().baseUrl() + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Reply get(String pathAndQuery) {
    return call("GET", pathAndQuery, null);
  }

  static Reply post(String pathAndQuery, String body) {
    return call("POST", pathAndQuery, body);
  }

  /** Parses a 200 answer into a proto, as a REST client of Cloud Tasks would. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T ok(Reply reply, T prototype) {
    assertThat(reply.status()).as("HTTP status of %s", reply.body()).isEqualTo(200);
    Message.Builder builder = prototype.newBuilderForType();
    try {
      JsonFormat.parser().merge(reply.body(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not proto3 JSON: " + reply.body(), e);
    }
    return (T) builder.build();
  }

  static Struct json(String body) {
    Struct.Builder s = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(body, s);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
    return s.build();
  }

  /** Asserts Google's error shape and returns its message. */
  static String assertError(Reply reply, int http, String status) {
    assertThat(reply.status()).as("HTTP status of %s", reply.body()).isEqualTo(http);
    Struct error = json(reply.body()).getFieldsOrThrow("error").getStructValue();
    assertThat(error.getFieldsOrThrow("code").getNumberValue()).isEqualTo(http);
    assertThat(error.getFieldsOrThrow("status").getStringValue()).isEqualTo(status);
    String message = error.getFieldsOrThrow("message").getStringValue();
    assertThat(message).isNotBlank();
    return message;
  }

  static String newQueueName() {
    return LOCATION + "/queues/q-" + UUID.randomUUID();
  }

  static Queue createQueue(String name) {
    return ok(
        post("/v2/" + LOCATION + "/queues", "{\"name\":\"" + name + "\"}"),
        Queue.getDefaultInstance());
  }

  static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A CreateTask body: a POST of {@code payload} to the receiver at {@code path}. */
  static String taskBody(String taskName, String path, String payload) {
    return "{\"task\":{"
        + (taskName == null ? "" : "\"name\":\"" + taskName + "\",")
        + "\"httpRequest\":{\"url\":\""
        + receiver.url(path)
        + "\",\"body\":\""
        + base64(payload)
        + "\"}}}";
  }

  static Task createTask(String queue, String taskName, String path) {
    return ok(
        post("/v2/" + queue + "/tasks", taskBody(taskName, path, "x")), Task.getDefaultInstance());
  }

  static Struct stats() {
    Reply reply = get("/emulator/v1/stats");
    assertThat(reply.status()).isEqualTo(200);
    return json(reply.body());
  }

  static Struct queueStats(String queue) {
    return stats()
        .getFieldsOrThrow("queues")
        .getStructValue()
        .getFieldsOrThrow(queue)
        .getStructValue();
  }

  static double stat(String queue, String counter) {
    return queueStats(queue).getFieldsOrThrow(counter).getNumberValue();
  }

  static Reply putFaults(String queue, String body) {
    String query =
        queue == null ? "" : "?queue=" + URLEncoder.encode(queue, StandardCharsets.UTF_8);
    return call("PUT", "/emulator/v1/faults" + query, body);
  }

  static int deleteFaults(String queue) {
    String query =
        queue == null ? "" : "?queue=" + URLEncoder.encode(queue, StandardCharsets.UTF_8);
    return call("DELETE", "/emulator/v1/faults" + query, null).status();
  }

  // ---------------------------------------------------------------- queues

  @Test
  void queueLifecycleCreateGetPatchPauseResumePurgeDelete() {
    String name = newQueueName();
    Queue created =
        ok(
            post(
                "/v2/" + LOCATION + "/queues",
                "{\"name\":\""
                    + name
                    + "\",\"retryConfig\":{\"maxAttempts\":7,\"minBackoff\":\"0.5s\"}}"),
            Queue.getDefaultInstance());
    assertThat(created.getName()).isEqualTo(name);
    assertThat(created.getState()).isEqualTo(Queue.State.RUNNING);
    assertThat(created.getRetryConfig().getMaxAttempts()).isEqualTo(7);
    assertThat(created.getRetryConfig().getMinBackoff()).isEqualTo(Durations.fromMillis(500));
    assertThat(created.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(500.0);
    assertThat(created.getRateLimits().getMaxBurstSize()).isEqualTo(100);

    Queue fetched = ok(get("/v2/" + name), Queue.getDefaultInstance());
    assertThat(fetched).isEqualTo(created);

    // Only the masked field changes; max_attempts in the body is ignored, the burst follows the
    // new rate.
    Queue patched =
        ok(
            call(
                "PATCH",
                "/v2/" + name + "?updateMask=rateLimits.maxDispatchesPerSecond",
                "{\"rateLimits\":{\"maxDispatchesPerSecond\":20},"
                    + "\"retryConfig\":{\"maxAttempts\":3}}"),
            Queue.getDefaultInstance());
    assertThat(patched.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(20.0);
    assertThat(patched.getRateLimits().getMaxBurstSize()).isEqualTo(4);
    assertThat(patched.getRateLimits().getMaxConcurrentDispatches()).isEqualTo(1000);
    assertThat(patched.getRetryConfig()).isEqualTo(created.getRetryConfig());
    assertThat(ok(get("/v2/" + name), Queue.getDefaultInstance())).isEqualTo(patched);

    // Pause holds dispatch; resume releases it.
    Queue paused = ok(post("/v2/" + name + ":pause", "{}"), Queue.getDefaultInstance());
    assertThat(paused.getState()).isEqualTo(Queue.State.PAUSED);
    Task held = createTask(name, null, "/lifecycle/held");
    String heldId = shortName(held.getName());
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.deliveriesOf(heldId).isEmpty());
    assertThat(ok(get("/v2/" + held.getName()), Task.getDefaultInstance()).getDispatchCount())
        .isZero();
    Queue resumed = ok(post("/v2/" + name + ":resume", null), Queue.getDefaultInstance());
    assertThat(resumed.getState()).isEqualTo(Queue.State.RUNNING);
    await().until(() -> receiver.deliveriesOf(heldId).size() == 1);

    // Purge drops every task of a paused queue; none of them is ever pushed.
    post("/v2/" + name + ":pause", null);
    List<String> purgedIds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      purgedIds.add(shortName(createTask(name, null, "/lifecycle/purged").getName()));
    }
    ListTasksResponse before =
        ok(get("/v2/" + name + "/tasks"), ListTasksResponse.getDefaultInstance());
    assertThat(before.getTasksList())
        .extracting(t -> shortName(t.getName()))
        .containsExactlyInAnyOrderElementsOf(purgedIds);
    Queue purged = ok(post("/v2/" + name + ":purge", "{}"), Queue.getDefaultInstance());
    assertThat(purged.hasPurgeTime()).isTrue();
    ListTasksResponse after =
        ok(get("/v2/" + name + "/tasks"), ListTasksResponse.getDefaultInstance());
    assertThat(after.getTasksList()).isEmpty();
    post("/v2/" + name + ":resume", null);
    String marker = shortName(createTask(name, null, "/lifecycle/after-purge").getName());
    await().until(() -> receiver.deliveriesOf(marker).size() == 1);
    assertThat(purgedIds).allSatisfy(id -> assertThat(receiver.deliveriesOf(id)).isEmpty());

    // Delete answers an empty message; the queue is gone afterwards.
    Reply deleted = call("DELETE", "/v2/" + name, null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(json(deleted.body()).getFieldsCount()).isZero();
    assertError(get("/v2/" + name), 404, "NOT_FOUND");
    assertError(call("DELETE", "/v2/" + name, null), 404, "NOT_FOUND");
  }

  @Test
  void listQueuesPagesAndFilters() {
    String location =
        "projects/rest-test/locations/page-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = location + "/queues/p" + i;
      ok(
          post("/v2/" + location + "/queues", "{\"name\":\"" + name + "\"}"),
          Queue.getDefaultInstance());
      names.add(name);
    }
    ok(post("/v2/" + names.get(1) + ":pause", null), Queue.getDefaultInstance());
    ok(post("/v2/" + names.get(3) + ":pause", null), Queue.getDefaultInstance());

    List<String> seen = new ArrayList<>();
    int pages = 0;
    String token = "";
    do {
      ListQueuesResponse page =
          ok(
              get("/v2/" + location + "/queues?pageSize=2&pageToken=" + token),
              ListQueuesResponse.getDefaultInstance());
      assertThat(page.getQueuesCount()).isBetween(1, 2);
      page.getQueuesList().forEach(q -> seen.add(q.getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(names).doesNotHaveDuplicates();

    ListQueuesResponse paused =
        ok(
            get(
                "/v2/"
                    + location
                    + "/queues?filter="
                    + URLEncoder.encode("state: PAUSED", StandardCharsets.UTF_8)),
            ListQueuesResponse.getDefaultInstance());
    assertThat(paused.getQueuesList())
        .extracting(Queue::getName)
        .containsExactlyInAnyOrder(names.get(1), names.get(3));
    assertThat(paused.getNextPageToken()).isEmpty();

    assertError(get("/v2/" + location + "/queues?filter=color:blue"), 400, "INVALID_ARGUMENT");
  }

  // ---------------------------------------------------------------- tasks

  @Test
  void taskCreatedOverRestIsPushedWithItsMethodBodyAndHeaders() {
    String queue = newQueueName();
    createQueue(queue);
    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    String taskName = queue + "/tasks/rest-push-1";
    String payload = "{\"hello\":\"wörld\"}";
    Task created =
        ok(
            post(
                "/v2/" + queue + "/tasks",
                "{\"task\":{\"name\":\""
                    + taskName
                    + "\",\"httpRequest\":{\"url\":\""
                    + receiver.url("/rest/push")
                    + "\",\"httpMethod\":\"PUT\","
                    + "\"headers\":{\"Content-Type\":\"application/json\",\"X-Custom\":\"kept\"},"
                    + "\"body\":\""
                    + base64(payload)
                    + "\"}},\"responseView\":\"FULL\"}"),
            Task.getDefaultInstance());
    assertThat(created.getName()).isEqualTo(taskName);
    assertThat(created.getView()).isEqualTo(Task.View.FULL);
    assertThat(created.getHttpRequest().getBody().toStringUtf8()).isEqualTo(payload);
    assertThat(created.getHttpRequest().getHttpMethod())
        .isEqualTo(com.google.cloud.tasks.v2.HttpMethod.PUT);

    // GET: the basic view hides the body, the full view shows it.
    Task basic = ok(get("/v2/" + taskName), Task.getDefaultInstance());
    assertThat(basic.getView()).isEqualTo(Task.View.BASIC);
    assertThat(basic.getHttpRequest().getBody().isEmpty()).isTrue();
    assertThat(basic.getHttpRequest().getHeadersMap()).containsEntry("X-Custom", "kept");
    Task full = ok(get("/v2/" + taskName + "?responseView=FULL"), Task.getDefaultInstance());
    assertThat(full.getHttpRequest().getBody().toStringUtf8()).isEqualTo(payload);

    ListTasksResponse listed =
        ok(
            get("/v2/" + queue + "/tasks?responseView=FULL"),
            ListTasksResponse.getDefaultInstance());
    assertThat(listed.getTasksList())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getName()).isEqualTo(taskName);
              assertThat(t.getHttpRequest().getBody().toStringUtf8()).isEqualTo(payload);
            });

    ok(post("/v2/" + queue + ":resume", null), Queue.getDefaultInstance());
    await().until(() -> receiver.deliveriesOf("rest-push-1").size() == 1);
    TestReceiver.Delivery d = receiver.deliveriesOf("rest-push-1").getFirst();
    assertThat(d.method()).isEqualTo("PUT");
    assertThat(d.path()).isEqualTo("/rest/push");
    assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(payload);
    assertThat(d.header("Content-Type")).isEqualTo("application/json");
    assertThat(d.header("X-Custom")).isEqualTo("kept");
    assertThat(d.header("User-Agent")).isEqualTo("Google-Cloud-Tasks");
    assertThat(d.header("X-CloudTasks-QueueName")).isEqualTo(shortName(queue));
    assertThat(d.header("X-CloudTasks-TaskRetryCount")).isEqualTo("0");

    // Done tasks are gone, and their name stays taken.
    await().until(() -> get("/v2/" + taskName).status() == 404);
    assertError(
        post("/v2/" + queue + "/tasks", taskBody(taskName, "/rest/again", "x")),
        409,
        "ALREADY_EXISTS");
  }

  @Test
  void listTasksPagesThroughAPausedQueue() {
    String queue = newQueueName();
    createQueue(queue);
    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(createTask(queue, null, "/rest/page").getName());
    }
    List<String> seen = new ArrayList<>();
    int pages = 0;
    String token = "";
    do {
      ListTasksResponse page =
          ok(
              get("/v2/" + queue + "/tasks?pageSize=2&pageToken=" + token),
              ListTasksResponse.getDefaultInstance());
      assertThat(page.getTasksCount()).isBetween(1, 2);
      assertThat(page.getTasksList())
          .allSatisfy(t -> assertThat(t.getView()).isEqualTo(Task.View.BASIC));
      page.getTasksList().forEach(t -> seen.add(t.getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(created);
  }

  @Test
  void deleteTaskPreventsDispatchAndRunTaskDispatchesAPausedQueuesTask() {
    String queue = newQueueName();
    createQueue(queue);
    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    Task doomed = createTask(queue, queue + "/tasks/doomed", "/rest/doomed");
    Task runner = createTask(queue, queue + "/tasks/runner", "/rest/run");

    Reply deleted = call("DELETE", "/v2/" + doomed.getName(), null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(json(deleted.body()).getFieldsCount()).isZero();
    assertError(get("/v2/" + doomed.getName()), 404, "NOT_FOUND");
    assertError(call("DELETE", "/v2/" + doomed.getName(), null), 404, "NOT_FOUND");

    Task ran = ok(post("/v2/" + runner.getName() + ":run", "{}"), Task.getDefaultInstance());
    assertThat(ran.getDispatchCount()).isEqualTo(1);
    await().until(() -> receiver.deliveriesOf("runner").size() == 1);
    assertThat(receiver.deliveriesOf("runner").getFirst().path()).isEqualTo("/rest/run");
    await().until(() -> get("/v2/" + runner.getName()).status() == 404);
    assertError(post("/v2/" + runner.getName() + ":run", null), 404, "NOT_FOUND");

    // The deleted task never went out, even once the queue runs again.
    ok(post("/v2/" + queue + ":resume", null), Queue.getDefaultInstance());
    String marker = shortName(createTask(queue, null, "/rest/marker").getName());
    await().until(() -> receiver.deliveriesOf(marker).size() == 1);
    assertThat(receiver.deliveriesOf("doomed")).isEmpty();
  }

  @Test
  void acceptsNumericEnumsAndMethodOverrideAsTheHttpJsonTransportSendsThem() throws Exception {
    String queue = newQueueName();
    createQueue(queue);
    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    String taskName = queue + "/tasks/numeric-view";
    ok(
        post("/v2/" + queue + "/tasks", taskBody(taskName, "/rest/numeric", "payload")),
        Task.getDefaultInstance());
    // responseView=2 is FULL; $alt=json;enum-encoding=int rides along.
    Task full =
        ok(
            get("/v2/" + taskName + "?$alt=json;enum-encoding%3Dint&responseView=2"),
            Task.getDefaultInstance());
    assertThat(full.getView()).isEqualTo(Task.View.FULL);
    assertThat(full.getHttpRequest().getBody().toStringUtf8()).isEqualTo("payload");
    assertThat(ok(get("/v2/" + taskName + "?responseView=1"), Task.getDefaultInstance()).getView())
        .isEqualTo(Task.View.BASIC);
    assertError(get("/v2/" + taskName + "?responseView=7"), 400, "INVALID_ARGUMENT");
    assertError(get("/v2/" + taskName + "?responseView=WIDE"), 400, "INVALID_ARGUMENT");

    // POST with X-HTTP-Method-Override: PATCH is an UpdateQueue.
    HttpResponse<String> patched =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        tasks.emulator().baseUrl()
                            + "/v2/"
                            + queue
                            + "?updateMask=rateLimits.maxDispatchesPerSecond"))
                .header("Content-Type", "application/json")
                .header("X-HTTP-Method-Override", "PATCH")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"rateLimits\":{\"maxDispatchesPerSecond\":5}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Queue updated = ok(new Reply(patched.statusCode(), patched.body()), Queue.getDefaultInstance());
    assertThat(updated.getRateLimits().getMaxDispatchesPerSecond()).isEqualTo(5.0);
    assertThat(updated.getRateLimits().getMaxBurstSize()).isEqualTo(1);
    assertThat(updated.getState()).isEqualTo(Queue.State.PAUSED);
  }

  // ---------------------------------------------------------------- errors

  @Test
  void duplicatesAreAlreadyExists() {
    String queue = newQueueName();
    createQueue(queue);
    String message =
        assertError(
            post("/v2/" + LOCATION + "/queues", "{\"name\":\"" + queue + "\"}"),
            409,
            "ALREADY_EXISTS");
    assertThat(message).contains(queue);

    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    String taskName = queue + "/tasks/twice";
    createTask(queue, taskName, "/rest/twice");
    assertError(
        post("/v2/" + queue + "/tasks", taskBody(taskName, "/rest/twice", "x")),
        409,
        "ALREADY_EXISTS");
    // A deleted task's name stays reserved too.
    call("DELETE", "/v2/" + taskName, null);
    assertError(
        post("/v2/" + queue + "/tasks", taskBody(taskName, "/rest/twice", "x")),
        409,
        "ALREADY_EXISTS");
  }

  @Test
  void missingResourcesAndUnknownPathsAreNotFound() {
    String missing = LOCATION + "/queues/no-such-queue";
    assertError(get("/v2/" + missing), 404, "NOT_FOUND");
    assertError(get("/v2/" + missing + "/tasks"), 404, "NOT_FOUND");
    assertError(post("/v2/" + missing + ":pause", null), 404, "NOT_FOUND");
    assertError(post("/v2/" + missing + "/tasks", taskBody(null, "/x", "x")), 404, "NOT_FOUND");
    String queue = newQueueName();
    createQueue(queue);
    assertError(get("/v2/" + queue + "/tasks/nope"), 404, "NOT_FOUND");
    assertError(call("DELETE", "/v2/" + queue + "/tasks/nope", null), 404, "NOT_FOUND");

    assertError(get("/v2/nothing/here"), 404, "NOT_FOUND");
    assertError(get("/v1/" + queue), 404, "NOT_FOUND");
    assertError(post("/v2/" + queue + ":explode", "{}"), 404, "NOT_FOUND");
    assertError(call("PUT", "/v2/" + queue, "{}"), 404, "NOT_FOUND");
  }

  @Test
  void invalidRequestsAreInvalidArgument() {
    String queues = "/v2/" + LOCATION + "/queues";
    assertError(post(queues, "{\"name\": "), 400, "INVALID_ARGUMENT");
    assertError(
        post(queues, "{\"name\":\"" + newQueueName() + "\",\"colour\":\"blue\"}"),
        400,
        "INVALID_ARGUMENT");
    assertError(
        post(queues, "{\"name\":\"" + LOCATION + "/queues/bad_underscore\"}"),
        400,
        "INVALID_ARGUMENT");
    String tooFast = newQueueName();
    String message =
        assertError(
            post(
                queues,
                "{\"name\":\"" + tooFast + "\",\"rateLimits\":{\"maxDispatchesPerSecond\":501}}"),
            400,
            "INVALID_ARGUMENT");
    assertThat(message).contains("max_dispatches_per_second");
    // Nothing was created by the rejected requests.
    assertError(get("/v2/" + tooFast), 404, "NOT_FOUND");

    String queue = newQueueName();
    createQueue(queue);
    assertError(
        call(
            "PATCH",
            "/v2/" + queue + "?updateMask=rateLimits.maxDispatchesPerSecond",
            "{\"rateLimits\":{\"maxDispatchesPerSecond\":1000}}"),
        400,
        "INVALID_ARGUMENT");
    assertThat(
            ok(get("/v2/" + queue), Queue.getDefaultInstance())
                .getRateLimits()
                .getMaxDispatchesPerSecond())
        .isEqualTo(500.0);
    assertError(post("/v2/" + queue + "/tasks", "{\"task\": {"), 400, "INVALID_ARGUMENT");
    assertError(
        post("/v2/" + queue + "/tasks", "{\"task\":{\"httpRequest\":{\"url\":\"/relative\"}}}"),
        400,
        "INVALID_ARGUMENT");
    assertError(get("/v2/" + queue + "/tasks?pageSize=many"), 400, "INVALID_ARGUMENT");
    assertThat(
            ok(get("/v2/" + queue + "/tasks"), ListTasksResponse.getDefaultInstance())
                .getTasksList())
        .isEmpty();
  }

  // ---------------------------------------------------------------- emulator endpoints

  @Test
  void statsCountAttemptsAndSuccessesPerQueue() {
    String queue = newQueueName();
    createQueue(queue);
    assertThat(stat(queue, "attempts")).isZero();
    assertThat(queueStats(queue).getFieldsOrThrow("state").getStringValue()).isEqualTo("RUNNING");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(shortName(createTask(queue, null, "/rest/stats").getName()));
    }
    await().until(() -> ids.stream().allMatch(id -> receiver.deliveriesOf(id).size() == 1));
    await().until(() -> stat(queue, "successes") == 3);
    Struct s = queueStats(queue);
    assertThat(s.getFieldsOrThrow("attempts").getNumberValue()).isEqualTo(3);
    assertThat(s.getFieldsOrThrow("failures").getNumberValue()).isZero();
    assertThat(s.getFieldsOrThrow("tasks").getNumberValue()).isZero();
    assertThat(s.getFieldsOrThrow("inFlight").getNumberValue()).isZero();
    assertThat(stats().getFieldsOrThrow("attempts").getNumberValue()).isGreaterThanOrEqualTo(3);

    ok(post("/v2/" + queue + ":pause", null), Queue.getDefaultInstance());
    createTask(queue, null, "/rest/stats-held");
    Struct paused = queueStats(queue);
    assertThat(paused.getFieldsOrThrow("state").getStringValue()).isEqualTo("PAUSED");
    assertThat(paused.getFieldsOrThrow("tasks").getNumberValue()).isEqualTo(1);
  }

  @Test
  void globalDuplicateDeliveryFaultDeliversATaskTwice() {
    String queue = newQueueName();
    createQueue(queue);
    try {
      Reply set = putFaults(null, "{\"duplicateDelivery\":1.0}");
      assertThat(set.status()).isEqualTo(200);
      assertThat(json(set.body()).getFieldsOrThrow("duplicateDelivery").getNumberValue())
          .isEqualTo(1.0);
      createTask(queue, queue + "/tasks/dup-global", "/rest/dup");
      await().until(() -> receiver.deliveriesOf("dup-global").size() == 2);
      List<TestReceiver.Delivery> twice = receiver.deliveriesOf("dup-global");
      assertThat(twice).extracting(TestReceiver.Delivery::taskName).containsOnly("dup-global");
      assertThat(twice).extracting(TestReceiver.Delivery::retryCount).containsExactly(0, 0);
      assertThat(stat(queue, "duplicatesInjected")).isEqualTo(1);
      assertThat(stat(queue, "attempts")).isEqualTo(1);
    } finally {
      assertThat(putFaults(null, "{}").status()).isEqualTo(200);
    }
    createTask(queue, queue + "/tasks/dup-off", "/rest/dup");
    await().until(() -> stat(queue, "successes") == 2);
    assertThat(stat(queue, "duplicatesInjected")).isEqualTo(1);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.deliveriesOf("dup-off").size() == 1);
  }

  @Test
  void perQueueDuplicateDeliveryFaultAffectsOnlyThatQueue() {
    String faulty = newQueueName();
    String healthy = newQueueName();
    createQueue(faulty);
    createQueue(healthy);
    assertThat(putFaults(faulty, "{\"duplicateDelivery\":1.0}").status()).isEqualTo(200);

    createTask(faulty, faulty + "/tasks/dup-faulty", "/rest/dup");
    createTask(healthy, healthy + "/tasks/dup-healthy", "/rest/dup");
    await().until(() -> receiver.deliveriesOf("dup-faulty").size() == 2);
    assertThat(receiver.deliveriesOf("dup-faulty"))
        .extracting(d -> d.header("X-CloudTasks-TaskName") + "#" + d.retryCount())
        .containsExactly("dup-faulty#0", "dup-faulty#0");
    await().until(() -> stat(healthy, "successes") == 1);
    assertThat(stat(healthy, "duplicatesInjected")).isZero();
    assertThat(stat(faulty, "duplicatesInjected")).isEqualTo(1);
    assertThat(receiver.deliveriesOf("dup-healthy")).hasSize(1);

    assertThat(putFaults(faulty, "{}").status()).isEqualTo(200);
    createTask(faulty, faulty + "/tasks/dup-fixed", "/rest/dup");
    await().until(() -> stat(faulty, "successes") == 2);
    assertThat(stat(faulty, "duplicatesInjected")).isEqualTo(1);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.deliveriesOf("dup-fixed").size() == 1);

    // DELETE puts the queue back on the global plan, which now duplicates everything.
    assertThat(putFaults(null, "{\"duplicateDelivery\":1.0}").status()).isEqualTo(200);
    try {
      createTask(faulty, faulty + "/tasks/dup-still-own", "/rest/dup");
      await().until(() -> stat(faulty, "successes") == 3);
      assertThat(receiver.deliveriesOf("dup-still-own")).hasSize(1);
      assertThat(deleteFaults(faulty)).isEqualTo(200);
      createTask(faulty, faulty + "/tasks/dup-back-on-global", "/rest/dup");
      await().until(() -> receiver.deliveriesOf("dup-back-on-global").size() == 2);
    } finally {
      assertThat(deleteFaults(null)).isEqualTo(200);
    }
  }

  @Test
  void invalidFaultRequestsAreRejected() {
    String queue = newQueueName();
    createQueue(queue);
    Reply outOfRange = putFaults(null, "{\"dropResponse\": 2}");
    assertError(outOfRange, 400, "INVALID_ARGUMENT");
    assertThat(outOfRange.body()).contains("dropResponse must be a probability");
    assertError(putFaults(null, "{\"explode\": 1}"), 400, "INVALID_ARGUMENT");
    assertError(putFaults(null, "{\"duplicateDelivery\": \"always\"}"), 400, "INVALID_ARGUMENT");
    assertError(putFaults(null, "not json"), 400, "INVALID_ARGUMENT");
    assertError(putFaults(queue, "{\"dropResponse\": -0.5}"), 400, "INVALID_ARGUMENT");
    assertError(
        putFaults(LOCATION + "/queues/no-such-queue", "{\"dropResponse\": 0.5}"), 404, "NOT_FOUND");
    assertError(putFaults("not/a/queue", "{}"), 400, "INVALID_ARGUMENT");

    // None of the rejected plans took effect: a push succeeds at once, without duplicates.
    createTask(queue, queue + "/tasks/after-bad-faults", "/rest/faults");
    await().until(() -> stat(queue, "successes") == 1);
    assertThat(stat(queue, "attempts")).isEqualTo(1);
    assertThat(stat(queue, "duplicatesInjected")).isZero();
    assertThat(stat(queue, "responsesDropped")).isZero();
  }
}
