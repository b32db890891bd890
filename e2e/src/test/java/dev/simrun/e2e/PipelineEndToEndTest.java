package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simrun.shared.kinds.InMemoryRun;
import dev.simrun.shared.kinds.backtest.BacktestParams;
import dev.simrun.shared.kinds.backtest.StrategyBacktestKind;
import java.time.Duration;
import java.util.List;
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

  @Test
  void theWorkersEventsReachTheStreamLiveThroughPubSub() throws Exception {
    String id = stack.submit(request(1));
    List<SimRunStack.Sse> events =
        stack.readStream("/api/v1/simulations/" + id + "/events", Duration.ofMinutes(2));
    List<Long> ids =
        events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
    // queued, started, 18 × chunk.succeeded, succeeded: every one once, in order.
    assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
    List<String> names = events.stream().map(SimRunStack.Sse::event).toList();
    assertThat(names)
        .as("transient events come only from the worker process, through Pub/Sub")
        .contains("chunk.started", "chunk.progress");
    SimRunStack.Sse last = events.getLast();
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
}
