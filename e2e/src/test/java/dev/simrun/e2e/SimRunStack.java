package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RetryConfig;
import dev.simrun.emulator.scheduler.CloudSchedulerEmulator;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import dev.simrun.shared.testing.PubSubEmulator;
import dev.simrun.shared.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole system on one machine for end-to-end tests: the Cloud Tasks emulator in this JVM with
 * its four queues, the api and the worker in processes of their own, a PostgreSQL database and a
 * Pub/Sub emulator. Every piece can be swapped or broken by a test: the worker killed and started
 * again on its port, the database or Pub/Sub given by the test so that it can stop them.
 */
public final class SimRunStack implements AutoCloseable {
  public static final String PROJECT = "simrun-local";
  public static final String LOCATION = "local";
  public static final String USER = "e2e";

  /** The {@code Authorization} value of development user {@code user}, signed by the emulator. */
  public String bearer(String user) {
    return "Bearer " + tasks.userToken(user, null);
  }

  /** The {@code Authorization} value of development user {@code user} as an operator. */
  public String operatorBearer(String user) {
    return "Bearer " + tasks.userToken(user, "operator");
  }

  /** Writes as the services do (Micronaut Serialization): absent (null) fields are left out. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .setDefaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static final List<String> QUEUE_IDS =
      List.of(
          "simulations-interactive",
          "simulations-batch",
          "simulations-interactive-io",
          "simulations-batch-io",
          "simulations-finalize");

  /** The service account Cloud Scheduler calls the api as; the api allows it. */
  public static final String SCHEDULER_ACCOUNT =
      "simrun-scheduler@simrun-local.iam.gserviceaccount.com";

  private final CloudTasksEmulator tasks;
  private final CloudSchedulerEmulator scheduler;
  private final String jdbcUrl;
  private ServiceProcess api;
  private ServiceProcess worker;
  private int workerStarts = 1;

  private SimRunStack(Builder b) {
    String queues = "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/";
    CloudTasksEmulator.Builder emulator = CloudTasksEmulator.builder();
    if (b.emulatorSeed != null) {
      emulator.randomSeed(b.emulatorSeed);
    }
    String[] names = QUEUE_IDS.stream().map(id -> queues + id).toArray(String[]::new);
    if (b.retry == null) {
      for (String name : names) {
        emulator.queue(name);
      }
    }
    this.tasks = emulator.start();
    this.scheduler = CloudSchedulerEmulator.builder().start();
    ServiceProcess startedApi = null;
    try {
      if (b.retry != null) {
        createQueues(tasks, b.retry, names);
      }
      int workerPort = ServiceProcess.freePort();
      String workerUrl = "http://127.0.0.1:" + workerPort;
      this.jdbcUrl = b.jdbcUrl != null ? b.jdbcUrl : TestDatabase.newDatabase();
      Map<String, String> env = new HashMap<>();
      env.put("DATABASE_URL", jdbcUrl);
      env.put("DATABASE_USER", "postgres");
      env.put("DATABASE_PASSWORD", "postgres");
      env.put("SIMRUN_TASKS_PROJECT", PROJECT);
      env.put("SIMRUN_TASKS_LOCATION", LOCATION);
      env.put("SIMRUN_TASKS_EMULATOR_ENDPOINT", tasks.endpoint());
      env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
      env.put("SIMRUN_AUTH_ISSUER", tasks.issuer());
      env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
      // Sign-in: the emulator is also the development OIDC issuer people's tokens come from.
      env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_ISSUER", tasks.issuer());
      env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_JWKS_URL", tasks.jwksUri());
      env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_AUDIENCE", CloudTasksEmulator.devAudience());
      // The queues keep the emulator's 1,000 concurrent dispatches; the worker's limits match
      // them, so the suite's many small chunks run as many at once as they did before the limits.
      env.put("SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS", "1000");
      env.put("SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS", "1000");
      env.put("SIMRUN_PUBSUB_ENABLED", "true");
      env.put("SIMRUN_PUBSUB_CREATE_TOPICS", "true");
      env.put(
          "PUBSUB_EMULATOR_HOST",
          b.pubSubHost != null ? b.pubSubHost : PubSubEmulator.shared().host());
      env.putAll(b.env);
      Map<String, String> apiEnv = new HashMap<>(env);
      // Cloud Scheduler's triggers: tokens of the scheduler account for the api's URL, signed by
      // the Cloud Scheduler emulator, as ./simrun runs it.
      int apiPort = ServiceProcess.freePort();
      apiEnv.put("SIMRUN_AUTH_ISSUER", scheduler.issuer());
      apiEnv.put("SIMRUN_AUTH_AUDIENCE", "http://127.0.0.1:" + apiPort);
      apiEnv.put("SIMRUN_AUTH_ALLOWED_SERVICE_ACCOUNTS", SCHEDULER_ACCOUNT);
      // ...and the console's development sign-in page asks it through the api, as ./simrun runs it.
      apiEnv.put("SIMRUN_IDENTITY_DEVELOPMENT_SIGN_IN", tasks.issuer() + "/dev/sign-in");
      if (b.webApiKey != null) {
        // Production's sign-in page: email and password against the emulator's Identity Toolkit.
        apiEnv.put("SIMRUN_IDENTITY_WEB_API_KEY", b.webApiKey);
        apiEnv.put("SIMRUN_IDENTITY_WEB_TOOLKIT_URL", tasks.toolkitUrl());
        apiEnv.remove("SIMRUN_IDENTITY_DEVELOPMENT_SIGN_IN");
      }
      apiEnv.putAll(b.apiEnv);
      apiEnv.values().removeIf(java.util.Objects::isNull);
      Map<String, String> workerEnv = new HashMap<>(env);
      workerEnv.putAll(b.workerEnv);
      startedApi =
          ServiceProcess.start("api", apiPort, "dev.simrun.api.Application", "worker", apiEnv);
      this.worker =
          b.workerAsFunction
              ? ServiceProcess.start(
                  "worker-function", workerPort, WorkerFunction.command(workerPort), workerEnv)
              : ServiceProcess.start(
                  "worker", workerPort, "dev.simrun.worker.Application", "api", workerEnv);
      this.api = startedApi;
    } catch (RuntimeException e) {
      if (startedApi != null) {
        startedApi.close();
      }
      tasks.close();
      scheduler.close();
      throw e;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void createQueues(CloudTasksEmulator tasks, RetryConfig retry, String... names) {
    try (CloudTasksClient client = CloudTasksClients.emulator(tasks.endpoint())) {
      for (String name : names) {
        client.createQueue(
            LocationName.of(PROJECT, LOCATION),
            Queue.newBuilder().setName(name).setRetryConfig(retry).build());
      }
    }
  }

  public ServiceProcess api() {
    return api;
  }

  public ServiceProcess worker() {
    return worker;
  }

  public CloudSchedulerEmulator scheduler() {
    return scheduler;
  }

  public CloudTasksEmulator tasks() {
    return tasks;
  }

  public String interactiveQueue() {
    return "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/simulations-interactive";
  }

  public EmulatorStats.Queue interactiveStats() {
    return tasks.stats().queues().get(interactiveQueue());
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * SIGTERM to the api, as a deploy or a scale-in would: every open stream is cut, and it stays
   * down until {@link #startApi()}.
   */
  public void stopApi() {
    api.close();
  }

  /** Starts the api again on its port with its environment; returns once it is healthy. */
  public void startApi() {
    api = api.restart();
  }

  /** SIGKILL to the worker process; it stays down until {@link #restartWorker()}. */
  public void killWorker() {
    worker.kill();
  }

  /**
   * SIGTERM to the worker process, as a scale-in or a new revision stops an instance (SIGKILL after
   * 10 s); it stays down until {@link #restartWorker()}.
   */
  public void stopWorker() {
    worker.close();
  }

  /** Starts the worker again on its port with its environment; returns once it is healthy. */
  public void restartWorker() {
    worker = worker.restart();
    workerStarts++;
  }

  /**
   * Starts the worker again with its environment changed (a variable mapped to null is removed),
   * e.g. once the setting that failed its chunks is gone.
   */
  public void restartWorker(Map<String, String> changes) {
    worker = worker.restart(changes);
    workerStarts++;
  }

  public int workerStarts() {
    return workerStarts;
  }

  // ------------------------------------------------------------------------------ HTTP

  /** POSTs a simulation; asserts 202 and returns its id. */
  public String submit(String body) {
    return submitAs(USER, body);
  }

  /** POSTs a simulation as development user {@code user}; asserts 202 and returns its id. */
  public String submitAs(String user, String body) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/simulations"))
                .header("Content-Type", "application/json")
                .header("Authorization", bearer(user))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location")).isPresent();
    return read(r.body()).path("id").asText();
  }

  /** GETs {@code path} as development user {@code user}, or without credentials when null. */
  public HttpResponse<String> getAs(String user, String path) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(30));
    if (user != null) {
      r.header("Authorization", bearer(user));
    }
    return send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<byte[]> get(String path) {
    return get(path, Duration.ofSeconds(30));
  }

  public HttpResponse<byte[]> get(String path, Duration timeout) {
    return send(
        HttpRequest.newBuilder(URI.create(api.url() + path))
            .header("Authorization", bearer(USER))
            .timeout(timeout)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> post(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(api.url() + path))
            .header("Authorization", bearer(USER))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Any request: {@code authorization} is the header's value (null for none), {@code body} JSON
   * (null for none).
   */
  public HttpResponse<String> send(String method, String path, String authorization, String body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(api.url() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a body of the given type, e.g. a CSV upload. */
  public HttpResponse<String> post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(api.url() + path))
            .header("Authorization", bearer(USER))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET /api/v1/simulations/{id}} as JSON; asserts 200. */
  public JsonNode simulation(String id) {
    HttpResponse<byte[]> r = get("/api/v1/simulations/" + id);
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    return read(r.body());
  }

  /**
   * Waits until the simulation has ended and returns its status. A 503 (the api cannot reach its
   * database for now) counts as not yet; any other answer but 200 fails.
   */
  public String awaitEnd(String id, Duration timeout) {
    Set<String> ended = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "PARTIAL");
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              HttpResponse<byte[]> r = get("/api/v1/simulations/" + id);
              if (r.statusCode() == 503) {
                return "(503)";
              }
              assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
              return read(r.body()).path("status").asText();
            },
            ended::contains);
  }

  /**
   * Waits for the simulation to succeed, checks the API's view of it (every chunk succeeded,
   * progress 1) and returns the result's bytes as served.
   */
  public byte[] awaitResult(String id, Duration timeout) {
    awaitEnd(id, timeout);
    JsonNode view = simulation(id);
    assertThat(view.path("status").asText()).as(view.toString()).isEqualTo("SUCCEEDED");
    assertThat(view.path("chunks").path("succeeded").asInt())
        .isEqualTo(view.path("chunks").path("total").asInt());
    assertThat(view.path("progress").asDouble()).isEqualTo(1.0);
    HttpResponse<byte[]> result = get("/api/v1/simulations/" + id + "/result");
    assertThat(result.statusCode()).isEqualTo(200);
    return result.body();
  }

  /** One Server-Sent Event: its id (null when it has none), name and data. */
  public record Sse(String id, String event, String data) {}

  /**
   * Reads a Server-Sent Events stream until the server closes it, handing each event to {@code
   * each} as it arrives; returns them all.
   */
  public List<Sse> readStream(String path, Duration timeout, Consumer<Sse> each) {
    return readStream(path, timeout, () -> {}, each);
  }

  /** {@link #readStream(String, Duration, Consumer)}, calling {@code onOpen} once it is open. */
  public List<Sse> readStream(String path, Duration timeout, Runnable onOpen, Consumer<Sse> each) {
    HttpResponse<Stream<String>> r =
        send(
            HttpRequest.newBuilder(URI.create(api.url() + path))
                .header("Authorization", bearer(USER))
                .header("Accept", "text/event-stream")
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    onOpen.run();
    List<Sse> events = new ArrayList<>();
    String id = null;
    String event = null;
    String data = null;
    try (Stream<String> lines = r.body()) {
      for (var it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data != null) {
            Sse e = new Sse(id, event, data);
            events.add(e);
            each.accept(e);
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data = line.substring(5).strip();
        }
      }
    }
    return events;
  }

  public List<Sse> readStream(String path, Duration timeout) {
    return readStream(path, timeout, e -> {});
  }

  private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------ SQL

  /** A connection to the stack's database, straight past the services. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
  }

  /** The first column of the first row of a query, as a long (e.g. a count). */
  public long queryLong(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Every row of a query, each column by its label. */
  public List<Map<String, Object>> queryRows(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (int i = 1; i <= columns; i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    if (api != null) {
      api.close();
    }
    tasks.close();
    scheduler.close();
  }

  /** What differs from the defaults: the database, Pub/Sub, queue retries, extra environment. */
  public static final class Builder {
    private String jdbcUrl;
    private String pubSubHost;
    private RetryConfig retry;
    private Long emulatorSeed;
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> apiEnv = new HashMap<>();
    private String webApiKey;
    private final Map<String, String> workerEnv = new HashMap<>();
    private boolean workerAsFunction;

    /** A database of the test's own; a fresh one of {@link TestDatabase} by default. */
    public Builder database(String jdbcUrl) {
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /** A Pub/Sub emulator of the test's own; {@link PubSubEmulator#shared()} by default. */
    public Builder pubSub(String host) {
      this.pubSubHost = host;
      return this;
    }

    /** The queues' retry config; Cloud Tasks' defaults when not set. */
    public Builder retry(RetryConfig retry) {
      this.retry = retry;
      return this;
    }

    /** The emulator's seed for jitter and injected faults, to repeat a run. */
    public Builder emulatorSeed(long seed) {
      this.emulatorSeed = seed;
      return this;
    }

    /** An environment variable of both services. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /**
     * The console's email and password sign-in, as in production, instead of the development one:
     * the api gets this web API key and the emulator's Identity Toolkit as its toolkit URL, and no
     * development sign-in route.
     */
    public Builder passwordSignIn(String webApiKey) {
      this.webApiKey = webApiKey;
      return this;
    }

    /** An environment variable of the api; null removes one the stack would set. */
    public Builder apiEnv(String name, String value) {
      apiEnv.put(name, value);
      return this;
    }

    public Builder workerEnv(String name, String value) {
      workerEnv.put(name, value);
      return this;
    }

    /**
     * The worker as a Cloud Function: its packaged function archive served by Google's Functions
     * Framework invoker ({@link WorkerFunction}) instead of the worker's own main class.
     */
    public Builder workerAsFunction() {
      this.workerAsFunction = true;
      return this;
    }

    public SimRunStack start() {
      return new SimRunStack(this);
    }
  }
}
