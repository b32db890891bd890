package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.shared.kinds.InMemoryRun;
import dev.simrun.shared.kinds.backtest.BacktestParams;
import dev.simrun.shared.kinds.backtest.StrategyBacktestKind;
import dev.simrun.shared.testing.PubSubEmulator;
import dev.simrun.shared.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on one machine, over real HTTP: api and worker in processes of their own, the
 * Cloud Tasks emulator pushing with OIDC tokens, a real PostgreSQL. A strategy backtest is
 * submitted with three chunk sizes; each result must equal a direct in-memory run of the kind, and
 * the three must be byte-identical.
 */
class PipelineEndToEndTest {
  static final String PROJECT = "simrun-local";
  static final String LOCATION = "local";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static CloudTasksEmulator tasks;
  static ServiceProcess api;
  static ServiceProcess worker;

  @BeforeAll
  static void startTheStack() {
    String queues = "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/";
    tasks =
        CloudTasksEmulator.builder()
            .queue(queues + "simulations-interactive")
            .queue(queues + "simulations-batch")
            .start();
    int workerPort = ServiceProcess.freePort();
    String workerUrl = "http://127.0.0.1:" + workerPort;
    Map<String, String> env = new HashMap<>();
    String jdbc = TestDatabase.newDatabase();
    env.put("DATABASE_URL", jdbc);
    env.put("DATABASE_USER", "postgres");
    env.put("DATABASE_PASSWORD", "postgres");
    env.put("SIMRUN_TASKS_PROJECT", PROJECT);
    env.put("SIMRUN_TASKS_LOCATION", LOCATION);
    env.put("SIMRUN_TASKS_EMULATOR_ENDPOINT", tasks.endpoint());
    env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
    env.put("SIMRUN_AUTH_ISSUER", tasks.issuer());
    env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
    env.put("SIMRUN_PUBSUB_ENABLED", "true");
    env.put("SIMRUN_PUBSUB_CREATE_TOPICS", "true");
    env.put("PUBSUB_EMULATOR_HOST", PubSubEmulator.shared().host());
    api =
        ServiceProcess.start(
            "api", ServiceProcess.freePort(), "dev.simrun.api.Application", "worker", env);
    worker =
        ServiceProcess.start("worker", workerPort, "dev.simrun.worker.Application", "api", env);
    awaitLiveEvents();
  }

  /**
   * The api's fresh subscription takes a moment before its first pull flows; until then a stream
   * shows durable events from the log only. Run small simulations until one shows progress.
   */
  static void awaitLiveEvents() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              String id = submit(request(18));
              return readStream("/api/v1/simulations/" + id + "/events", Duration.ofMinutes(1))
                  .stream()
                  .anyMatch(e -> "chunk.progress".equals(e[1]));
            });
  }

  @AfterAll
  static void stopTheStack() {
    if (worker != null) {
      worker.close();
    }
    if (api != null) {
      api.close();
    }
    if (tasks != null) {
      tasks.close();
    }
  }

  static String request(int unitsPerChunk) {
    return """
        {"kind": "strategy-backtest", "name": "e2e %d",
         "params": {"data": {"synthetic": {"symbols": ["AAA", "BBB", "CCC"], "bars": 20000, "seed": 7}},
                    "strategy": "sma-crossover",
                    "grid": {"fast": [5, 10, 20], "slow": [30, 60]},
                    "costs": {"commissionBps": 1, "slippageBps": 0.5}},
         "chunking": {"unitsPerChunk": %d}}
        """
        .formatted(unitsPerChunk, unitsPerChunk);
  }

  static String submit(String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/simulations"))
                .header("Content-Type", "application/json")
                .header("X-SimRun-User", "e2e")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location")).isPresent();
    return JSON.readTree(r.body()).path("id").asText();
  }

  static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(api.url() + path)).header("X-SimRun-User", "e2e").build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] awaitResult(String id) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> JSON.readTree(get("/api/v1/simulations/" + id).body()).path("status").asText(),
            status -> status.equals("SUCCEEDED") || status.equals("FAILED"));
    try {
      JsonNode view = JSON.readTree(get("/api/v1/simulations/" + id).body());
      assertThat(view.path("status").asText()).as(view.toString()).isEqualTo("SUCCEEDED");
      assertThat(view.path("chunks").path("succeeded").asInt())
          .isEqualTo(view.path("chunks").path("total").asInt());
      assertThat(view.path("progress").asDouble()).isEqualTo(1.0);
      HttpResponse<byte[]> result = get("/api/v1/simulations/" + id + "/result");
      assertThat(result.statusCode()).isEqualTo(200);
      return result.body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a Server-Sent Events stream until the server closes it: (id, event, data) each. */
  static List<String[]> readStream(String path, Duration timeout) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api.url() + path))
                .header("X-SimRun-User", "e2e")
                .header("Accept", "text/event-stream")
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String[]> events = new ArrayList<>();
    String[] current = new String[3];
    try (var lines = r.body()) {
      for (var it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          if (current[2] != null) {
            events.add(current);
          }
          current = new String[3];
        } else if (line.startsWith("id:")) {
          current[0] = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          current[1] = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          current[2] = line.substring(5).strip();
        }
      }
    }
    return events;
  }

  @Test
  void theWorkersEventsReachTheStreamLiveThroughPubSub() throws Exception {
    String id = submit(request(1));
    List<String[]> events =
        readStream("/api/v1/simulations/" + id + "/events", Duration.ofMinutes(2));
    List<Long> ids =
        events.stream().filter(e -> e[0] != null).map(e -> Long.parseLong(e[0])).toList();
    // queued, started, 18 × chunk.succeeded, succeeded: every one once, in order.
    assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
    List<String> names = events.stream().map(e -> e[1]).toList();
    assertThat(names)
        .as("transient events come only from the worker process, through Pub/Sub")
        .contains("chunk.started", "chunk.progress");
    String[] last = events.getLast();
    assertThat(last[1]).isEqualTo("simulation.succeeded");
    JsonNode summary = JSON.readTree(last[2]).path("data").path("summary");
    assertThat(summary.path("units").asInt()).isEqualTo(18);
    assertThat(summary.path("best").path("symbol").asText()).isIn("AAA", "BBB", "CCC");
  }

  @Test
  void aBacktestRunsThroughTheWholePipelineAndMatchesADirectRun() throws Exception {
    String one = submit(request(1));
    String seven = submit(request(7));
    String all = submit(request(18));
    byte[] byOne = awaitResult(one);
    byte[] bySeven = awaitResult(seven);
    byte[] byAll = awaitResult(all);

    assertThat(bySeven).as("unitsPerChunk 7 vs 1").isEqualTo(byOne);
    assertThat(byAll).as("unitsPerChunk 18 vs 1").isEqualTo(byOne);

    StrategyBacktestKind kind = new StrategyBacktestKind();
    BacktestParams params =
        JSON.treeToValue(JSON.readTree(request(1)).path("params"), BacktestParams.class);
    Object direct = InMemoryRun.run(kind, params, 18);
    assertThat(JSON.readTree(byOne)).isEqualTo(JSON.readTree(JSON.writeValueAsBytes(direct)));
    assertThat(JSON.readTree(byOne).path("leaderboard").size()).isEqualTo(18);
  }
}
