package dev.simrun.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.testing.RenderingThread;
import dev.simrun.testing.PrometheusText;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.chunks.ChunkMetrics;
import dev.simrun.worker.testing.DeliveryLog;
import dev.simrun.worker.testing.Gates;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.server.netty.NettyHttpServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The worker's metrics, scraped from {@code /prometheus} on its management port while real
 * simulations run through the Cloud Tasks emulator: each chunk counted once by kind and priority,
 * the refusal before a claim, a dead letter, the histograms; no label names a simulation, and the
 * public port does not serve the page.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerMetricsTest implements TestPropertyProvider {
  static final int CHUNKS = 12;

  WorkerHarness tasks;
  String token;
  final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  @Inject Simulations simulations;
  @Inject OutboxDispatcher dispatcher;
  @Inject Rows rows;
  @Inject DeliveryLog deliveries;
  @Inject EmbeddedServer server;
  @Inject TransactionOperations<Connection> tx;
  @Inject MeterRegistry registry;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start(3);
    Map<String, String> p = new HashMap<>(tasks.properties());
    // One slot and no waiting room: a push that finds the slot held is refused at once.
    p.put("simrun.worker.max-concurrent-chunks", "1");
    p.put("simrun.worker.waiting-per-slot", "0");
    return p;
  }

  @BeforeAll
  void token() {
    token = tasks.token();
    // One push at a time fits the one slot: the run through Cloud Tasks is never refused.
    tasks.limitQueue(tasks.interactiveQueue(), 1);
  }

  /** A simulation whose chunks these tests push themselves: no task is created for them. */
  UUID pushedByHand(SumKind.Params params, Priority priority) {
    UUID id = simulations.create(params, priority);
    tx.executeWrite(
        st -> {
          try (PreparedStatement ps =
              st.getConnection().prepareStatement("DELETE FROM outbox WHERE simulation_id = ?")) {
            ps.setObject(1, id);
            return ps.executeUpdate();
          }
        });
    return id;
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
    tasks.close();
  }

  int managementPort() {
    Set<Integer> ports = ((NettyHttpServer) server).getBoundPorts();
    return ports.stream().filter(p -> p != server.getPort()).findFirst().orElseThrow();
  }

  PrometheusText scrape() {
    return PrometheusText.scrape("http://127.0.0.1:" + managementPort() + "/prometheus");
  }

  void runThroughCloudTasks(UUID id) {
    dispatcher.drain();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> SimulationStatus.valueOf(rows.status(id)).terminal());
    await()
        .atMost(Duration.ofSeconds(30))
        .during(Duration.ofMillis(300))
        .until(
            () -> {
              EmulatorStats.Queue q = tasks.interactiveStats();
              return q.tasks() == 0 && q.inFlight() == 0 && deliveries.inFlight() == 0;
            });
  }

  /** A scrape must not hold one of the event-loop threads that take the task pushes. */
  @Test
  void theScrapeIsRenderedOffTheEventLoop() {
    assertThat(RenderingThread.of(registry, this::scrape).getName()).doesNotContain("eventLoop");
  }

  @Test
  void everyChunkOfASimulationIsCountedOnceWithItsDurationAndQueueWait() {
    String[] labels = {"kind", SumKind.NAME, "priority", "interactive"};
    PrometheusText before = scrape();
    UUID id = simulations.create(SumKind.Params.of(CHUNKS * 5L, 5));
    runThroughCloudTasks(id);
    assertThat(rows.status(id)).isEqualTo("SUCCEEDED");

    PrometheusText after = scrape();
    assertThat(delta(before, after, "simrun_chunks_started_total", labels)).isEqualTo(CHUNKS);
    assertThat(delta(before, after, "simrun_chunks_succeeded_total", labels)).isEqualTo(CHUNKS);
    assertThat(delta(before, after, "simrun_chunks_failed_total", labels)).isZero();
    assertThat(
            delta(
                before,
                after,
                "simrun_chunk_duration_seconds_count",
                "kind",
                SumKind.NAME,
                "priority",
                "interactive",
                "outcome",
                "succeeded"))
        .isEqualTo(CHUNKS);
    assertThat(delta(before, after, "simrun_chunk_queue_wait_seconds_count", labels))
        .as("Cloud Tasks says when each task was due")
        .isEqualTo(CHUNKS);
    assertThat(after.has("simrun_chunk_queue_wait_seconds_bucket", "le", "3600.0")).isTrue();
    assertNoLabelNamesASimulation(after);
  }

  @Test
  void aPermanentFailureIsADeadLetterAndRetriedFailuresCountAsFailed() {
    String[] labels = {"kind", SumKind.NAME, "priority", "interactive"};
    PrometheusText before = scrape();
    UUID retried = pushedByHand(SumKind.Params.of(10, 10).failingAt(3), Priority.INTERACTIVE);
    assertThat(push(retried, 0, 0).statusCode()).isEqualTo(500);
    UUID permanent =
        pushedByHand(SumKind.Params.of(10, 10).failingAt(3).permanently(), Priority.INTERACTIVE);
    assertThat(push(permanent, 0, 0).statusCode()).isEqualTo(200);

    PrometheusText after = scrape();
    assertThat(delta(before, after, "simrun_chunks_failed_total", labels)).isEqualTo(1);
    assertThat(delta(before, after, "simrun_chunks_dead_lettered_total", labels)).isEqualTo(1);
    assertThat(delta(before, after, "simrun_chunks_succeeded_total", labels)).isZero();
    assertNoLabelNamesASimulation(after);
  }

  @Test
  void aPushRefusedBeforeItsClaimIsCountedByReasonKindAndPriority() throws Exception {
    PrometheusText before = scrape();
    String gate = "hold-" + UUID.randomUUID();
    UUID holder = pushedByHand(SumKind.Params.of(1, 1).gated(gate), Priority.INTERACTIVE);
    CompletableFuture<HttpResponse<String>> held =
        CompletableFuture.supplyAsync(() -> push(holder, 0, 0), pool);
    await().atMost(Duration.ofSeconds(30)).until(() -> Gates.waiting(gate) == 1);

    UUID refused = pushedByHand(SumKind.Params.of(1, 1), Priority.BATCH);
    assertThat(push(refused, 0, 0).statusCode()).isEqualTo(429);
    Gates.open(gate);
    assertThat(held.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

    PrometheusText after = scrape();
    assertThat(
            delta(
                before,
                after,
                "simrun_chunks_refused_total",
                "reason",
                "slots_busy",
                "kind",
                SumKind.NAME,
                "priority",
                "batch"))
        .isEqualTo(1);
    assertThat(
            delta(
                before,
                after,
                "simrun_chunks_started_total",
                "kind",
                SumKind.NAME,
                "priority",
                "batch"))
        .as("nothing claimed")
        .isZero();
  }

  @Test
  void jvmAndPoolMetricsAreThereAndPushesAreNotTimedTwice() {
    push(UUID.randomUUID(), 0, 0);
    PrometheusText page = scrape();
    assertThat(page.names())
        .contains("jvm_memory_used_bytes", "process_cpu_usage", "hikaricp_connections_active");
    assertThat(page.names())
        .as("pushes are timed by the chunk meters and by Cloud Run, not by Micronaut's HTTP timer")
        .noneMatch(name -> name.startsWith("http_server_requests"));
    assertNoLabelNamesASimulation(page);
  }

  @Test
  void thePublicPortDoesNotServeMetrics() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(tasks.workerUrl() + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).doesNotContain("simrun_chunks");
    assertThat(managementPort()).isNotEqualTo(server.getPort());
  }

  HttpResponse<String> push(UUID id, int chunk, int retries) {
    return tasks.post(
        "/tasks/v1/chunks",
        Simulations.chunkTask(id, chunk, 0),
        token,
        Map.of(
            TaskDelivery.TASK_NAME, Simulations.chunkTaskName(id, chunk),
            TaskDelivery.RETRY_COUNT, Integer.toString(retries)));
  }

  static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  /** Run last: by then every meter the other tests caused is registered. */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyNameTheDashboardMayUseIsServed() {
    PrometheusText page = scrape();
    for (String name : ChunkMetrics.PROMETHEUS_NAMES) {
      assertThat(page.has(name) || page.has(name + "_count"))
          .as(name + " in " + page.names())
          .isTrue();
    }
  }

  static void assertNoLabelNamesASimulation(PrometheusText page) {
    assertThat(page.idLikeLabels()).as("labels whose values look like ids").isEmpty();
  }
}
