package dev.simrun.e2e.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.ServiceProcess;
import dev.simrun.e2e.SimRunStack;
import dev.simrun.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both services as processes, scraped on their management ports during and after a real simulation:
 * the worker counts each chunk once by kind and priority, the api drains its outbox, counts the
 * open stream while it is open and measures the events' way through Pub/Sub to it; no label names a
 * simulation, and neither public port serves the page.
 */
class MetricsEndToEndTest {
  static SimRunStack stack;

  @BeforeAll
  static void startTheStack() {
    stack = SimRunStack.builder().apiEnv("SIMRUN_METRICS_REFRESH_INTERVAL", "500ms").start();
  }

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.close();
    }
  }

  static PrometheusText scrape(ServiceProcess service) {
    return PrometheusText.scrape("http://127.0.0.1:" + service.metricsPort() + "/prometheus");
  }

  static String request() {
    return """
        {"kind": "strategy-backtest", "name": "metrics",
         "params": {"data": {"synthetic": {"symbols": ["AAA", "BBB", "CCC"], "bars": 20000, "seed": 7}},
                    "strategy": "sma-crossover",
                    "grid": {"fast": [5, 10, 20], "slow": [30, 60]},
                    "costs": {"commissionBps": 1, "slippageBps": 0.5}},
         "chunking": {"unitsPerChunk": 3}}
        """;
  }

  /** Ends reading a stream once the simulation it waits for has ended. */
  static final class StreamDone extends RuntimeException {
    StreamDone() {
      super(null, null, false, false);
    }
  }

  @Test
  void aSimulationIsCountedChunkByChunkAndItsEventsReachTheOpenStream() throws Exception {
    String[] labels = {"kind", "strategy-backtest", "priority", "interactive"};
    PrometheusText worker0 = scrape(stack.worker());
    PrometheusText api0 = scrape(stack.api());
    double streams0 = api0.sum("simrun_sse_streams_open");

    CountDownLatch open = new CountDownLatch(1);
    String[] simulation = new String[1];
    CompletableFuture<Void> stream =
        CompletableFuture.runAsync(
            () -> {
              try {
                stack.readStream(
                    "/api/v1/events",
                    Duration.ofMinutes(3),
                    open::countDown,
                    e -> {
                      String id = simulation[0];
                      if (id != null
                          && e.data().contains(id)
                          && e.event() != null
                          && e.event().startsWith("simulation.")
                          && !e.event().equals("simulation.queued")
                          && !e.event().equals("simulation.started")) {
                        throw new StreamDone();
                      }
                    });
              } catch (StreamDone done) {
                // The simulation ended: the stream has seen what it waited for.
              }
            });
    assertThat(open.await(60, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape(stack.api()).sum("simrun_sse_streams_open") == streams0 + 1);

    simulation[0] = stack.submit(request());
    assertThat(stack.awaitEnd(simulation[0], Duration.ofMinutes(3))).isEqualTo("SUCCEEDED");
    long chunks =
        stack.queryLong("SELECT chunk_count FROM simulations WHERE id = ?::uuid", simulation[0]);
    assertThat(chunks).isGreaterThan(1);
    stream.get(60, TimeUnit.SECONDS);

    PrometheusText worker1 = scrape(stack.worker());
    assertThat(delta(worker0, worker1, "simrun_chunks_succeeded_total", labels)).isEqualTo(chunks);
    assertThat(delta(worker0, worker1, "simrun_chunks_started_total", labels)).isEqualTo(chunks);
    assertThat(delta(worker0, worker1, "simrun_chunk_queue_wait_seconds_count", labels))
        .isEqualTo(chunks);
    assertThat(delta(worker0, worker1, "simrun_chunks_dead_lettered_total", labels)).isZero();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PrometheusText api = scrape(stack.api());
              return api.sum("simrun_sse_streams_open") == streams0
                  && api.sum("simrun_outbox_backlog") == 0;
            });
    PrometheusText api1 = scrape(stack.api());
    assertThat(delta(api0, api1, "simrun_event_delivery_seconds_count", "source", "pubsub"))
        .as("events came to the open stream through Pub/Sub")
        .isPositive();
    assertThat(api1.has("http_server_requests_seconds_count", "uri", "/api/v1/simulations/{id}"))
        .isTrue();
    assertNoLabelNamesASimulation(worker1);
    assertNoLabelNamesASimulation(api1);
  }

  @Test
  void neitherPublicPortServesMetrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (ServiceProcess service : new ServiceProcess[] {stack.api(), stack.worker()}) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(service.url() + "/prometheus")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(service.url()).isIn(401, 404);
      assertThat(answer.body()).doesNotContain("simrun_");
    }
    HttpResponse<String> signedIn = stack.getAs(SimRunStack.USER, "/prometheus");
    assertThat(signedIn.statusCode()).isEqualTo(404);
  }

  @Test
  void everyMetricTheTerraformUsesIsServedOrDeclared() throws Exception {
    PrometheusText api = scrape(stack.api());
    PrometheusText worker = scrape(stack.worker());
    for (String name : MonitoringTerraformTest.namesUsed()) {
      String base = MonitoringTerraformTest.baseName(name);
      boolean served =
          api.names().contains(name)
              || worker.names().contains(name)
              || MonitoringTerraformTest.declared().contains(base);
      assertThat(served).as(name + " is served by the api or the worker, or declared").isTrue();
    }
  }

  static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  static void assertNoLabelNamesASimulation(PrometheusText page) {
    assertThat(page.idLikeLabels()).as("labels whose values look like ids").isEmpty();
  }
}
