package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.util.Durations;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.backtest.BacktestParams;
import dev.simrun.kinds.backtest.StrategyBacktestKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker deployed as a Cloud Function (decision 0034), run as Cloud Functions runs it: the
 * function archive that the build packages, unpacked, and served by Google's Functions Framework
 * invoker (Jetty) in a process of its own, with Micronaut's {@code HttpFunction} as the entry
 * point. The api creates the tasks, the Cloud Tasks emulator pushes them to the function's URL with
 * its OIDC token, and the function runs the chunks against PostgreSQL and publishes to the Pub/Sub
 * emulator, as the Cloud Run worker does.
 */
class WorkerFunctionEndToEndTest {
  static SimRunStack stack;

  @BeforeAll
  static void startTheStackWithTheWorkerAsAFunction() {
    stack =
        SimRunStack.builder()
            .workerAsFunction()
            // A stopped instance's chunk is taken over once its lease lapses: short here.
            .workerEnv("SIMRUN_WORKER_LEASE", "3s")
            // Pushes to a stopped function are retried soon, so its restart is not waited out.
            .retry(
                RetryConfig.newBuilder()
                    .setMaxAttempts(-1)
                    .setMinBackoff(Durations.fromMillis(100))
                    .setMaxBackoff(Durations.fromSeconds(1))
                    .setMaxDoublings(3)
                    .build())
            .start();
    PipelineEndToEndTest.awaitLiveEvents(stack, PipelineEndToEndTest.request(18));
  }

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theFunctionAnswersHealthAndRefusesAPushWithoutTheTasksToken() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.worker().url() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(SimRunStack.read(health.body()).path("status").asText()).isEqualTo("UP");

    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.worker().url() + "/tasks/v1/chunks"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"simulationId\": \"%s\", \"chunkIndex\": 0, \"generation\": 0}"
                            .formatted(UUID.randomUUID())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(401);
  }

  @Test
  void chunksPushedByCloudTasksRunInThePackagedFunction() throws Exception {
    EmulatorStats before = stack.tasks().stats();
    CountDownLatch open = new CountDownLatch(1);
    AtomicReference<String> simulation = new AtomicReference<>();
    List<String> live = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> owner =
        CompletableFuture.runAsync(
            () -> {
              try {
                stack.readStream(
                    "/api/v1/events",
                    Duration.ofMinutes(2),
                    open::countDown,
                    e -> {
                      String sim = simulation.get();
                      if (sim != null && e.data().contains(sim)) {
                        live.add(e.event());
                        if ("simulation.succeeded".equals(e.event())) {
                          throw new StreamDone();
                        }
                      }
                    });
              } catch (StreamDone done) {
                // read what this test needs
              }
            });
    assertThat(open.await(30, TimeUnit.SECONDS)).as("the owner's stream opened").isTrue();
    String id = stack.submit(PipelineEndToEndTest.request(1));
    simulation.set(id);
    byte[] result = stack.awaitResult(id, Duration.ofMinutes(2));
    owner.get(2, TimeUnit.MINUTES);

    // The same result as the kind run directly in memory.
    BacktestParams params =
        SimRunStack.JSON.treeToValue(
            SimRunStack.read(PipelineEndToEndTest.request(1)).path("params"), BacktestParams.class);
    Object direct = InMemoryRun.run(new StrategyBacktestKind(), params, 18);
    assertThat(SimRunStack.read(result))
        .isEqualTo(SimRunStack.read(SimRunStack.JSON.writeValueAsBytes(direct)));

    // Each of the 18 chunks committed its result once, by its first attempt.
    UUID sim = UUID.fromString(id);
    List<Map<String, Object>> chunks =
        stack.queryRows(
            "SELECT idx, status, attempt, result IS NOT NULL AS has_result FROM chunks"
                + " WHERE simulation_id = ? ORDER BY idx",
            sim);
    assertThat(chunks).hasSize(18);
    assertThat(chunks)
        .allSatisfy(
            c -> {
              assertThat(c.get("status")).as(c.toString()).isEqualTo("SUCCEEDED");
              assertThat(c.get("attempt")).as(c.toString()).isEqualTo(1);
              assertThat(c.get("has_result")).as(c.toString()).isEqualTo(true);
            });

    // Its durable events, written by the function in the chunks' transactions, in order.
    List<String> durable =
        stack
            .queryRows(
                "SELECT type FROM simulation_events WHERE simulation_id = ? ORDER BY seq", sim)
            .stream()
            .map(r -> (String) r.get("type"))
            .toList();
    assertThat(durable).hasSize(21);
    assertThat(durable.getFirst()).isEqualTo("simulation.queued");
    assertThat(durable.get(1)).isEqualTo("simulation.started");
    assertThat(durable.subList(2, 20)).containsOnly("chunk.succeeded");
    assertThat(durable.getLast()).isEqualTo("simulation.succeeded");
    // Transient events exist only as the function's Pub/Sub messages: they reached the stream.
    assertThat(live).contains("chunk.started", "chunk.progress");

    // Every push was answered (Jetty's framing is one Cloud Tasks reads), none failed.
    EmulatorStats after = stack.tasks().stats();
    assertThat(after.failures() - before.failures()).isZero();
    assertThat(after.successes() - before.successes()).isGreaterThanOrEqualTo(19);
  }

  /** The chunk of a slow model (10 units of 1 s each): long enough to stop the function under. */
  static final String SLOW =
      """
      {"kind": "forecast-backtest", "name": "slow model, stopped function",
       "params": {"series": {"synthetic": {"days": 60, "seed": 7}},
                  "start": 30, "end": 39, "history": 20,
                  "agents": [{"type": "naive", "latencyMs": 1000}]},
       "chunking": {"unitsPerChunk": 10}}
      """;

  @Test
  void aChunkCutOffByAStoppedInstanceIsTakenOverOnceItsLeaseLapses() throws Exception {
    String id = stack.submit(SLOW);
    UUID sim = UUID.fromString(id);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                stack.queryLong(
                    "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'",
                    sim),
            n -> n == 1);

    // SIGTERM, as Cloud Functions stops an instance (scale-in, a new revision), SIGKILL after 10 s.
    ServiceProcess stopped = stack.worker();
    stack.stopWorker();
    assertThat(Files.readString(stopped.log()))
        .as("the instance closed the worker (queued events sent, pool closed) as it stopped")
        .contains("function instance stopping: closing the worker");
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'SUCCEEDED'",
                sim))
        .as("the stopped instance committed nothing")
        .isZero();

    stack.restartWorker();
    stack.awaitResult(id, Duration.ofMinutes(2));
    Map<String, Object> chunk =
        stack
            .queryRows(
                "SELECT status, attempt FROM chunks WHERE simulation_id = ? AND idx = 0", sim)
            .getFirst();
    assertThat(chunk.get("status")).isEqualTo("SUCCEEDED");
    assertThat((Integer) chunk.get("attempt"))
        .as("a new attempt took the chunk over")
        .isGreaterThanOrEqualTo(2);
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM simulation_events WHERE simulation_id = ?"
                    + " AND type = 'chunk.succeeded'",
                sim))
        .isEqualTo(1);
  }

  /** Ends reading a stream that would stay open. */
  private static final class StreamDone extends RuntimeException {
    StreamDone() {
      super(null, null, false, false);
    }
  }
}
