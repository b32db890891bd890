package dev.simrun.worker.testing;

import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.OidcToken;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import dev.simrun.shared.testing.TestDatabase;
import dev.simrun.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Everything a worker test class runs against, started before the worker: the Cloud Tasks emulator
 * with this class's queues (retries without limit, backoff capped at 1 s), a fresh database, a free
 * port for the worker, and a receiver that catches the emulator's real OIDC tokens for tests that
 * push by hand.
 */
public final class WorkerHarness implements AutoCloseable {
  public static final String PROJECT = "simrun-test";
  public static final String LOCATION = "local";
  public static final String ACCOUNT = "simrun-tasks@simrun-test.iam.gserviceaccount.com";
  public static final String OTHER_ACCOUNT = "intruder@simrun-test.iam.gserviceaccount.com";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final CloudTasksEmulator emulator;
  private final CloudTasksClient client;
  private final HttpServer catcher;
  private final Map<String, String> caught = new ConcurrentHashMap<>();
  private final int port;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  private final int maxAttempts;

  private WorkerHarness(int maxAttempts) {
    this.maxAttempts = maxAttempts;
    this.emulator = CloudTasksEmulator.builder().start();
    this.client = connect(emulator);
    this.port = freePort();
    for (String queue :
        new String[] {
          interactiveQueue(),
          batchQueue(),
          interactiveIoQueue(),
          batchIoQueue(),
          finalizeQueue(),
          tokenQueue()
        }) {
      client.createQueue(
          LocationName.of(PROJECT, LOCATION),
          Queue.newBuilder()
              .setName(queueName(queue))
              .setRetryConfig(
                  RetryConfig.newBuilder()
                      .setMaxAttempts(-1)
                      .setMinBackoff(Durations.fromMillis(50))
                      .setMaxBackoff(Durations.fromSeconds(1))
                      .setMaxDoublings(4))
              .build());
    }
    this.catcher = startCatcher();
  }

  /** A worker that never gives a failing task up. */
  public static WorkerHarness start() {
    return new WorkerHarness(-1);
  }

  /**
   * A worker that records a dead letter once {@code maxAttempts} attempts of a task failed. The
   * queues retry without limit either way, as in production (decision 0012): the worker decides.
   */
  public static WorkerHarness start(int maxAttempts) {
    return new WorkerHarness(maxAttempts);
  }

  /** The worker's configuration: this harness's database, emulator, queues, port and issuer. */
  public Map<String, String> properties() {
    Map<String, String> p = new HashMap<>(TestDatabase.properties());
    p.put("micronaut.server.port", Integer.toString(port));
    p.put("simrun.metrics.port", Integer.toString(FreePorts.belowEphemeralRange()));
    p.put("simrun.tasks.project", PROJECT);
    p.put("simrun.tasks.location", LOCATION);
    p.put("simrun.tasks.interactive-queue", interactiveQueue());
    p.put("simrun.tasks.batch-queue", batchQueue());
    p.put("simrun.tasks.interactive-io-queue", interactiveIoQueue());
    p.put("simrun.tasks.batch-io-queue", batchIoQueue());
    p.put("simrun.tasks.finalize-queue", finalizeQueue());
    p.put("simrun.tasks.worker-url", workerUrl());
    p.put("simrun.tasks.service-account-email", ACCOUNT);
    p.put("simrun.tasks.emulator-endpoint", emulator.endpoint());
    p.put("simrun.auth.issuer", emulator.issuer());
    p.put("simrun.auth.audience", workerUrl());
    p.put("simrun.auth.allowed-service-accounts", ACCOUNT);
    p.put("simrun.tasks.max-attempts", Integer.toString(maxAttempts));
    // The tests run many small chunks at once; the limits have their own test.
    p.put("simrun.worker.max-concurrent-chunks", "64");
    return p;
  }

  public CloudTasksEmulator emulator() {
    return emulator;
  }

  public String workerUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Holds the interactive queue's tasks: created tasks wait there until {@link #resume}. */
  public void pause() {
    client.pauseQueue(queueName(interactiveQueue()));
  }

  public void resume() {
    client.resumeQueue(queueName(interactiveQueue()));
  }

  /** The short names (after {@code /tasks/}) of the tasks the interactive queue holds. */
  public List<String> interactiveTaskIds() {
    List<String> ids = new ArrayList<>();
    for (Task task : client.listTasks(queueName(interactiveQueue())).iterateAll()) {
      ids.add(task.getName().substring(task.getName().lastIndexOf('/') + 1));
    }
    return ids;
  }

  public String interactiveQueue() {
    return "interactive-" + suffix;
  }

  public String batchQueue() {
    return "batch-" + suffix;
  }

  public String interactiveIoQueue() {
    return "interactive-io-" + suffix;
  }

  public String batchIoQueue() {
    return "batch-io-" + suffix;
  }

  public String finalizeQueue() {
    return "finalize-" + suffix;
  }

  private String tokenQueue() {
    return "tokens-" + suffix;
  }

  public static String queueName(String queueId) {
    return "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/" + queueId;
  }

  /** The interactive queue's counters in the emulator. */
  public EmulatorStats.Queue interactiveStats() {
    return emulator.stats().queues().get(queueName(interactiveQueue()));
  }

  /** Lets {@code queueId} push at most {@code maxConcurrent} tasks at once, as the stack does. */
  public void limitQueue(String queueId, int maxConcurrent) {
    client.updateQueue(
        Queue.newBuilder()
            .setName(queueName(queueId))
            .setRateLimits(RateLimits.newBuilder().setMaxConcurrentDispatches(maxConcurrent))
            .build(),
        FieldMask.newBuilder().addPaths("rate_limits.max_concurrent_dispatches").build());
  }

  /** A queue's counters in the emulator. */
  public EmulatorStats.Queue stats(String queueId) {
    return emulator.stats().queues().get(queueName(queueId));
  }

  /** The finalize queue's counters in the emulator. */
  public EmulatorStats.Queue finalizeStats() {
    return emulator.stats().queues().get(queueName(finalizeQueue()));
  }

  /** A real token from the emulator for the worker's own audience and the tasks account. */
  public String token() {
    return token(workerUrl(), ACCOUNT);
  }

  /**
   * A real token, signed by the emulator as it signs its pushes: a task with {@code oidc_token} is
   * pushed to a local receiver, which keeps the {@code Authorization} header.
   */
  public String token(String audience, String account) {
    String id = "token-" + UUID.randomUUID();
    client.createTask(
        queueName(tokenQueue()),
        Task.newBuilder()
            .setName(queueName(tokenQueue()) + "/tasks/" + id)
            .setHttpRequest(
                HttpRequest.newBuilder()
                    .setUrl("http://127.0.0.1:" + catcher.getAddress().getPort() + "/" + id)
                    .setHttpMethod(HttpMethod.POST)
                    .setOidcToken(
                        OidcToken.newBuilder()
                            .setServiceAccountEmail(account)
                            .setAudience(audience)))
            .build());
    await().atMost(Duration.ofSeconds(10)).until(() -> caught.containsKey(id));
    return caught.get(id).substring("Bearer ".length());
  }

  /** POSTs {@code json} to the worker, with {@code Authorization: Bearer token} unless null. */
  public HttpResponse<String> post(String path, String json, String token) {
    return post(path, json, token, Map.of());
  }

  /** As {@link #post(String, String, String)}, with extra headers (e.g. Cloud Tasks' own). */
  public HttpResponse<String> post(
      String path, String json, String token, Map<String, String> headers) {
    var request =
        java.net.http.HttpRequest.newBuilder(URI.create(workerUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpServer startCatcher() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              String auth = exchange.getRequestHeaders().getFirst("Authorization");
              if (auth != null) {
                caught.put(exchange.getRequestURI().getPath().substring(1), auth);
              }
              exchange.sendResponseHeaders(200, -1);
            }
          });
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CloudTasksClient connect(CloudTasksEmulator emulator) {
    return CloudTasksClients.emulator(emulator.endpoint());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    catcher.stop(0);
    emulator.close();
  }
}
