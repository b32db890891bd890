package dev.simrun.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.SseClient;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.testing.RenderingThread;
import dev.simrun.testing.PrometheusText;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.server.netty.NettyHttpServer;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The api's metrics, scraped from {@code /prometheus} on its management port: open streams up and
 * down, refusals by limit, the outbox backlog back to 0, unfinished simulations by status, event
 * delivery, a batch run from start to its timeout, templated routes; no label names a simulation,
 * and the public port serves no metrics, signed in or not.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiMetricsTest implements TestPropertyProvider {
  static final String OPERATOR = "otto";

  @Inject EmbeddedServer server;

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject DatabaseGauges gauges;
  @Inject MeterRegistry registry;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.stream.max-streams-per-owner", "1");
    p.put("simrun.admission.max-active-per-owner", "1");
    p.put("simrun.metrics.refresh-interval", "200ms");
    p.put("simrun.batches.supervise-interval", "100ms");
    p.put("simrun.stream.heartbeat", "300ms");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  int managementPort() {
    return ((NettyHttpServer) server)
        .getBoundPorts().stream().filter(p -> p != server.getPort()).findFirst().orElseThrow();
  }

  PrometheusText scrape() {
    return PrometheusText.scrape("http://127.0.0.1:" + managementPort() + "/prometheus");
  }

  static String user() {
    return "m" + UUID.randomUUID().toString().substring(0, 8);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  @Test
  void openStreamsGoUpWhileAStreamIsOpenAndBackDownWhenItCloses() throws Exception {
    double before = scrape().sum("simrun_sse_streams_open");
    String owner = user();
    try (SseClient stream = SseClient.open(uri("/api/v1/events"), owner, Map.of())) {
      assertThat(stream.status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> scrape().sum("simrun_sse_streams_open") == before + 1);

      PrometheusText refusedBefore = scrape();
      assertThat(api.get(owner, "/api/v1/events").status()).isEqualTo(429);
      assertThat(
              scrape().sum("simrun_limit_refusals_total", "limit", "streams_per_owner")
                  - refusedBefore.sum("simrun_limit_refusals_total", "limit", "streams_per_owner"))
          .isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape().sum("simrun_sse_streams_open") == before);
  }

  @Test
  void aSubmitPastTheOwnersLimitIsCountedByItsLimit() {
    String owner = user();
    String[] limit = {"limit", "active_simulations_per_owner"};
    PrometheusText before = scrape();
    assertThat(api.submit(owner, Api.units(4, 2)).status()).isEqualTo(202);
    assertThat(api.submit(owner, Api.units(4, 2)).status()).isEqualTo(429);
    assertThat(
            scrape().sum("simrun_limit_refusals_total", limit)
                - before.sum("simrun_limit_refusals_total", limit))
        .isEqualTo(1);
  }

  @Test
  void theOutboxDrainsToZeroAndAnEventsWayToAnOpenStreamIsMeasured() throws Exception {
    String owner = user();
    UUID id = api.submit(owner, Api.units(6, 2)).id();
    // No worker here: the simulation waits QUEUED, its three tasks created in Cloud Tasks.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PrometheusText page = scrape();
              return page.sum("simrun_outbox_backlog") == 0
                  && page.sum("simrun_simulations", "status", "QUEUED") >= 1;
            });
    assertThat(TestStack.chunkTaskIds(id, 3)).hasSize(3);

    double delivered = scrape().sum("simrun_event_delivery_seconds_count");
    try (SseClient stream =
        SseClient.open(uri("/api/v1/simulations/" + id + "/events"), owner, Map.of())) {
      assertThat(stream.status()).isEqualTo(200);
      // The cancel's event reaches the open stream (from the event log: Pub/Sub is off here).
      Api.Reply cancel =
          api.exchange(
              HttpRequest.POST("/api/v1/simulations/" + id + "/cancel", "")
                  .header(Api.AUTH, Api.bearer(owner)));
      assertThat(cancel.status()).as(cancel.toString()).isIn(200, 202);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> scrape().sum("simrun_event_delivery_seconds_count") > delivered);
    }
    PrometheusText page = scrape();
    assertThat(page.has("simrun_event_delivery_seconds_bucket", "le", "1.0")).isTrue();
    assertThat(page.has("simrun_simulations", "status", "RUNNING")).isTrue();
    assertNoLabelNamesASimulation(page);
  }

  @Test
  void aBatchRunIsCountedFromItsStartToItsTimeout() throws InterruptedException {
    String batch = "metrics-" + UUID.randomUUID().toString().substring(0, 6);
    Api.Reply put =
        api.exchange(
            HttpRequest.PUT(
                    "/api/v1/batches/" + batch,
                    "{\"simulations\": ["
                        + Api.units(4, 2)
                        + ","
                        + Api.units(4, 2)
                        + "], \"deadline\": \"PT1S\"}")
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.operatorBearer(OPERATOR)));
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    Api.Reply run =
        api.exchange(
            HttpRequest.POST("/internal/v1/batches/" + batch + "/runs", "{}")
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-CloudScheduler", "true")
                .header("X-CloudScheduler-ScheduleTime", Instant.now().toString())
                .header(
                    Api.AUTH,
                    "Bearer "
                        + TestStack.serviceToken(
                            TestStack.SCHEDULER_ACCOUNT, TestStack.SCHEDULER_AUDIENCE)));
    assertThat(run.status()).as(run.toString()).isIn(200, 201, 202);

    // No worker runs its simulations: the run times out at its deadline.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              PrometheusText page = scrape();
              return page.sum("simrun_batch_last_run_status", "batch", batch, "status", "TIMED_OUT")
                      == 1
                  && page.sum(
                          "simrun_batch_last_run_simulations",
                          "batch",
                          batch,
                          "outcome",
                          "timed_out")
                      == 2;
            });
    PrometheusText page = scrape();
    assertThat(page.sum("simrun_batch_runs_started_total", "batch", batch)).isEqualTo(1);
    assertThat(page.sum("simrun_batch_runs_ended_total", "batch", batch, "outcome", "timed_out"))
        .isEqualTo(1);
    assertThat(
            page.sum(
                "simrun_batch_run_duration_seconds_count", "batch", batch, "outcome", "timed_out"))
        .isEqualTo(1);
    assertThat(page.sum("simrun_batch_last_run_simulations", "batch", batch, "outcome", "done"))
        .isZero();
    double start = page.sum("simrun_batch_last_run_start_time_seconds", "batch", batch);
    double end = page.sum("simrun_batch_last_run_end_time_seconds", "batch", batch);
    assertThat(start).isPositive();
    assertThat(end).isGreaterThanOrEqualTo(start);
    assertNoLabelNamesASimulation(page);

    // While refreshes rewrite the batch's gauges back to back, a reader never finds one missing.
    AtomicBoolean refreshing = new AtomicBoolean(true);
    Thread refresher =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    gauges.refresh();
                  }
                  refreshing.set(false);
                });
    long reads = 0;
    long missing = 0;
    while (refreshing.get()) {
      reads++;
      if (registry.find("simrun.batch.last.run.start.time.seconds").tag("batch", batch).gauge()
          == null) {
        missing++;
      }
    }
    refresher.join();
    assertThat(reads).isPositive();
    assertThat(missing).as("reads of %d that found no start-time gauge", reads).isZero();
  }

  @Test
  void routesAreLabelledByTheirTemplateAndPoolMetricsAreThere() {
    String owner = user();
    UUID id = api.submit(owner, Api.units(4, 2)).id();
    assertThat(api.get(owner, "/api/v1/simulations/" + id).status()).isEqualTo(200);
    PrometheusText page = scrape();
    assertThat(page.has("http_server_requests_seconds_count", "uri", "/api/v1/simulations/{id}"))
        .isTrue();
    assertThat(page.names())
        .contains("hikaricp_connections_active", "jvm_memory_used_bytes", "process_cpu_usage");
    assertNoLabelNamesASimulation(page);
  }

  /** A scrape must not hold one of the event-loop threads that serve the api's requests. */
  @Test
  void theScrapeIsRenderedOffTheEventLoop() {
    assertThat(RenderingThread.of(registry, this::scrape).getName()).doesNotContain("eventLoop");
  }

  @Test
  void thePublicPortServesNoMetricsSignedInOrNot() {
    Api.Reply anonymous = api.exchange(HttpRequest.GET("/prometheus"));
    assertThat(anonymous.status()).isIn(401, 404);
    assertThat(anonymous.body()).doesNotContain("simrun_");
    Api.Reply signedIn = api.get(user(), "/prometheus");
    assertThat(signedIn.status()).isEqualTo(404);
    assertThat(signedIn.body()).doesNotContain("simrun_");
    assertThat(managementPort()).isNotEqualTo(server.getPort());
  }

  /** Run last: by then every meter the other tests caused is registered. */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyNameTheDashboardMayUseIsServed() {
    PrometheusText page = scrape();
    for (String name : ApiMetricNames.ALL) {
      assertThat(page.has(name) || page.has(name + "_count"))
          .as(name + " in " + page.names())
          .isTrue();
    }
  }

  static void assertNoLabelNamesASimulation(PrometheusText page) {
    assertThat(page.idLikeLabels()).as("labels whose values look like ids").isEmpty();
  }
}
