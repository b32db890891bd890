package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.SimRunStack;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A cancel while chunks compute: CANCELLED with running chunks stopped midway (the time it took is
 * reported, not asserted), no chunk running or succeeding after that, and nothing changes
 * afterwards.
 */
@Tag("chaos")
class CancelChaosTest {
  /** 4 symbols × 500 pairs on 100,000 bars in 8 chunks of 250 units: each computes for seconds. */
  static final String LONG_CHUNKS =
      """
      {"kind": "strategy-backtest", "name": "chaos cancel",
       "params": {"data": {"synthetic": {"symbols": ["AAA", "BBB", "CCC", "DDD"], "bars": 100000,
                                         "seed": 11}},
                  "strategy": "sma-crossover",
                  "grid": {"fast": [%s], "slow": [%s]}},
       "chunking": {"unitsPerChunk": 250}}
      """
          .formatted(ChaosStacks.windows(1, 20), ChaosStacks.windows(21, 45));

  static final String CHUNK_ROWS =
      "SELECT idx, status, attempt, generation, started_at, finished_at, progress,"
          + " result IS NOT NULL AS has_result FROM chunks WHERE simulation_id = ? ORDER BY idx";
  static final String SIMULATION_ROW =
      "SELECT status, chunks_done, event_seq, finished_at, result IS NOT NULL AS has_result"
          + " FROM simulations WHERE id = ?";

  @Test
  void aCancelStopsRunningChunksAndNothingRunsAfter() throws Exception {
    SimRunStack stack = ChaosStacks.shared();
    ChaosReport report =
        new ChaosReport(
            "5-cancel",
            "Cancel while chunks run (8 chunks × 250 units × 100,000 bars)",
            "RUNNING at cancel",
            "SUCCEEDED at cancel",
            "cancel → CANCELLED (ms)",
            "chunks SUCCEEDED / CANCELLED at the end",
            "changes in the 3 s after");
    String id = stack.submit(LONG_CHUNKS);
    UUID sim = UUID.fromString(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                stack.queryLong(
                    "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'"
                        + " AND progress > 0",
                    sim),
            running -> running > 0);
    long running =
        stack.queryLong(
            "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'", sim);
    long succeeded =
        stack.queryLong(
            "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'SUCCEEDED'", sim);

    long cancelled = System.nanoTime();
    HttpResponse<String> cancel = stack.post("/api/v1/simulations/" + id + "/cancel");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> stack.simulation(id).path("status").asText(), "CANCELLED"::equals);
    long tookMillis = ChaosReport.millisSince(cancelled);

    List<Map<String, Object>> chunks = stack.queryRows(CHUNK_ROWS, sim);
    Map<String, Object> simulation = stack.queryRows(SIMULATION_ROW, sim).getFirst();
    Thread.sleep(3000);
    List<Map<String, Object>> chunksLater = stack.queryRows(CHUNK_ROWS, sim);
    Map<String, Object> simulationLater = stack.queryRows(SIMULATION_ROW, sim).getFirst();
    long endedSucceeded = chunks.stream().filter(c -> "SUCCEEDED".equals(c.get("status"))).count();
    long endedCancelled = chunks.stream().filter(c -> "CANCELLED".equals(c.get("status"))).count();
    boolean unchanged = chunks.equals(chunksLater) && simulation.equals(simulationLater);
    report.row(
        running,
        succeeded,
        tookMillis,
        endedSucceeded + " / " + endedCancelled,
        unchanged ? "none" : "SOME");

    assertThat(running).as("chunks were running when the cancel came").isPositive();
    Instant cancelledAt = instant(simulation.get("finished_at"));
    assertThat(simulation.get("has_result")).isEqualTo(false);
    for (Map<String, Object> chunk : chunks) {
      assertThat(chunk.get("status")).as("chunk %s", chunk).isIn("SUCCEEDED", "CANCELLED");
      if ("SUCCEEDED".equals(chunk.get("status"))) {
        assertThat(instant(chunk.get("finished_at")))
            .as("a chunk succeeded after the simulation was CANCELLED: %s", chunk)
            .isBeforeOrEqualTo(cancelledAt);
      }
      if (chunk.get("started_at") != null) {
        assertThat(instant(chunk.get("started_at")))
            .as("a chunk started after the simulation was CANCELLED: %s", chunk)
            .isBeforeOrEqualTo(cancelledAt);
      }
    }
    assertThat(
            chunks.stream()
                .filter(c -> "CANCELLED".equals(c.get("status")) && c.get("started_at") != null)
                .count())
        .as("running chunks were stopped, not run to the end")
        .isPositive();
    assertThat(chunksLater).as("chunks 3 s after CANCELLED").isEqualTo(chunks);
    assertThat(simulationLater).as("the simulation 3 s after CANCELLED").isEqualTo(simulation);
    assertThat(
            stack.queryLong(
                "SELECT CASE WHEN type = 'simulation.cancelled' THEN 1 ELSE 0 END FROM simulation_events"
                    + " WHERE simulation_id = ? ORDER BY seq DESC LIMIT 1",
                sim))
        .isEqualTo(1);
  }

  private static Instant instant(Object timestamp) {
    return ((Timestamp) timestamp).toInstant();
  }
}
