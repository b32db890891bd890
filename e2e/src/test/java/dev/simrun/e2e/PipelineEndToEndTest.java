package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.backtest.BacktestParams;
import dev.simrun.kinds.backtest.StrategyBacktestKind;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  static SimRunStack stack;

  @BeforeAll
  static void startTheStack() {
    stack = SimRunStack.builder().start();
    awaitLiveEvents(stack, request(18));
  }

  /**
   * The api's fresh subscription takes a moment before its first pull flows; until then a stream
   * shows durable events from the log only. Run small simulations until one shows progress.
   */
  static void awaitLiveEvents(SimRunStack stack, String smallRequest) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              String id = stack.submit(smallRequest);
              return stack
                  .readStream("/api/v1/simulations/" + id + "/events", Duration.ofMinutes(1))
                  .stream()
                  .anyMatch(e -> "chunk.progress".equals(e.event()));
            });
  }

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.close();
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

  /**
   * Two people signed in with real tokens from the development issuer: each sees only their own
   * simulations, results and streams; the api started as a process refuses a request without one.
   */
  @Test
  void twoSignedInUsersEachSeeOnlyTheirOwnSimulations() {
    String anns = stack.submitAs("ann", request(18));
    String bobs = stack.submitAs("bob", request(18));
    for (List<String> c : List.of(List.of("ann", bobs), List.of("bob", anns))) {
      for (String tail : List.of("", "/result", "/events")) {
        HttpResponse<String> r = stack.getAs(c.get(0), "/api/v1/simulations/" + c.get(1) + tail);
        assertThat(r.statusCode()).as(c.get(0) + " " + tail + ": " + r.body()).isEqualTo(404);
      }
    }
    assertThat(stack.getAs("ann", "/api/v1/simulations/" + anns).statusCode()).isEqualTo(200);
    assertThat(stack.getAs("ann", "/api/v1/simulations").body())
        .contains(anns)
        .doesNotContain(bobs);
    assertThat(stack.getAs("bob", "/api/v1/simulations").body())
        .contains(bobs)
        .doesNotContain(anns);

    HttpResponse<String> anonymous = stack.getAs(null, "/api/v1/simulations/" + anns);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void theWorkersEventsReachTheStreamLiveThroughPubSub() throws Exception {
    // The owner's live stream is open before the submit, so no transient event can be missed
    // because the simulation ran before a stream opened (transient events are never replayed).
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
    String id = stack.submit(request(1));
    simulation.set(id);
    owner.get(2, TimeUnit.MINUTES);
    assertThat(live)
        .as("transient events come only from the worker process, through Pub/Sub")
        .contains("chunk.started", "chunk.progress");

    List<SimRunStack.Sse> events =
        stack.readStream("/api/v1/simulations/" + id + "/events", Duration.ofMinutes(2));
    List<Long> ids =
        events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
    // queued, started, 18 × chunk.succeeded, succeeded: every one once, in order.
    assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
    // The run has ended by now: the stream replays the log and closes after its snapshot.
    SimRunStack.Sse last = events.stream().filter(e -> e.id() != null).toList().getLast();
    assertThat(last.event()).isEqualTo("simulation.succeeded");
    JsonNode summary = SimRunStack.read(last.data()).path("data").path("summary");
    assertThat(summary.path("units").asInt()).isEqualTo(18);
    assertThat(summary.path("best").path("symbol").asText()).isIn("AAA", "BBB", "CCC");
  }

  @Test
  void aBacktestRunsThroughTheWholePipelineAndMatchesADirectRun() throws Exception {
    String one = stack.submit(request(1));
    String seven = stack.submit(request(7));
    String all = stack.submit(request(18));
    Duration timeout = Duration.ofSeconds(120);
    byte[] byOne = stack.awaitResult(one, timeout);
    byte[] bySeven = stack.awaitResult(seven, timeout);
    byte[] byAll = stack.awaitResult(all, timeout);

    assertThat(bySeven).as("unitsPerChunk 7 vs 1").isEqualTo(byOne);
    assertThat(byAll).as("unitsPerChunk 18 vs 1").isEqualTo(byOne);

    StrategyBacktestKind kind = new StrategyBacktestKind();
    BacktestParams params =
        SimRunStack.JSON.treeToValue(
            SimRunStack.read(request(1)).path("params"), BacktestParams.class);
    Object direct = InMemoryRun.run(kind, params, 18);
    assertThat(SimRunStack.read(byOne))
        .isEqualTo(SimRunStack.read(SimRunStack.JSON.writeValueAsBytes(direct)));
    assertThat(SimRunStack.read(byOne).path("leaderboard").size()).isEqualTo(18);
  }

  /** A year of daily OHLCV bars with a trend and a weekly wiggle, as a CSV upload. */
  static String dailyBars(int days) {
    StringBuilder csv = new StringBuilder("timestamp,open,high,low,close,volume\n");
    LocalDate day = LocalDate.of(2023, 1, 2);
    double close = 50.0;
    for (int i = 0; i < days; i++) {
      double open = close;
      close = open * (1 + 0.0004 + 0.01 * Math.sin(i * 0.9) + 0.004 * Math.cos(i * 2.3));
      double high = Math.max(open, close) * 1.004;
      double low = Math.min(open, close) * 0.996;
      csv.append(
          "%s,%.4f,%.4f,%.4f,%.4f,%d%n"
              .formatted(day.plusDays(i), open, high, low, close, 10_000 + 37 * i));
    }
    return csv.toString();
  }

  @Test
  void aGridOverAnUploadedDatasetDownloadsAsCsvInLeaderboardOrder() throws Exception {
    HttpResponse<String> upload =
        stack.post("/api/v1/datasets?name=e2e-daily", "text/csv", dailyBars(750));
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    String dataset = SimRunStack.read(upload.body()).path("id").asText();
    String spec =
        """
        {"kind": "strategy-backtest", "name": "e2e dataset",
         "params": {"data": {"dataset": "%s"}, "strategy": "sma-crossover",
                    "grid": {"fast": [3, 5, 8, 13], "slow": [21, 34, 55]},
                    "costs": {"commissionBps": 2}},
         "chunking": {"unitsPerChunk": %d}}
        """;
    byte[] byOne =
        stack.awaitResult(stack.submit(spec.formatted(dataset, 1)), Duration.ofMinutes(2));
    String all = stack.submit(spec.formatted(dataset, 12));
    byte[] byAll = stack.awaitResult(all, Duration.ofMinutes(2));
    assertThat(byAll).as("unitsPerChunk 12 vs 1").isEqualTo(byOne);

    HttpResponse<byte[]> csv = stack.get("/api/v1/simulations/" + all + "/result.csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElse(""))
        .contains("simulation-" + all + ".csv");
    List<String> lines = new String(csv.body(), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1 + 12);
    List<String> header = List.of(lines.getFirst().split(","));
    assertThat(header).contains("rank", "unit", "symbol", "trades", "totalReturn", "sharpe");
    JsonNode leaderboard = SimRunStack.read(byAll).path("leaderboard");
    for (int rank = 1; rank <= 12; rank++) {
      List<String> row = List.of(lines.get(rank).split(",", -1));
      assertThat(row).hasSize(header.size());
      assertThat(row.get(header.indexOf("rank"))).isEqualTo(String.valueOf(rank));
      assertThat(row.get(header.indexOf("symbol"))).isEqualTo("e2e-daily");
      assertThat(row.get(header.indexOf("unit")))
          .isEqualTo(leaderboard.get(rank - 1).path("unitIndex").asText());
    }
  }

  @Test
  void aForecastDownloadsOneCsvRowPerDayAndAgentPlusTheEnsemble() throws Exception {
    String spec =
        """
        {"kind": "forecast-backtest", "name": "e2e forecast",
         "params": {"series": {"synthetic": {"days": 120, "seed": 3, "level": 100, "trend": 0.1,
                                              "seasonality": {"period": 7, "amplitude": 3},
                                              "noise": 1}},
                    "start": 30, "end": 59, "history": 21,
                    "agents": [{"type": "naive"}, {"type": "seasonal-naive", "period": 7},
                               {"type": "holt", "alpha": 0.3, "beta": 0.1}],
                    "ensemble": {"method": "median"}},
         "chunking": {"unitsPerChunk": 7}}
        """;
    String id = stack.submit(spec);
    JsonNode result = SimRunStack.read(stack.awaitResult(id, Duration.ofMinutes(2)));
    HttpResponse<byte[]> csv = stack.get("/api/v1/simulations/" + id + "/result.csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = new String(csv.body(), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.getFirst()).isEqualTo("day,agent,actual,prediction,error,failure");
    assertThat(lines).hasSize(1 + 30 * 4);
    assertThat(lines.get(1)).startsWith("30,naive,");
    assertThat(lines.get(4)).startsWith("30,ensemble,");
    JsonNode firstDay = result.path("rows").get(0);
    assertThat(Double.parseDouble(lines.get(4).split(",")[3]))
        .isEqualTo(firstDay.path("ensemble").asDouble());
  }

  /** Ends reading a stream that would stay open. */
  private static final class StreamDone extends RuntimeException {
    StreamDone() {
      super(null, null, false, false);
    }
  }
}
