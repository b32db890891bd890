package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.e2e.SimRunStack;
import java.util.UUID;

/** What must hold in the database after a simulation succeeded, whatever broke on the way. */
final class ChaosChecks {
  private ChaosChecks() {}

  /**
   * Each chunk succeeded once and was counted once: one SUCCEEDED row per chunk, {@code chunks_done
   * = chunk_count}, one {@code chunk.succeeded} event per chunk index, durable event ids 1..N
   * without gaps, one {@code simulation.succeeded}.
   */
  static void succeededExactlyOnce(SimRunStack stack, String id, int chunkCount) {
    UUID sim = UUID.fromString(id);
    String why = "simulation " + id + " (chaos seed " + ChaosStacks.SEED + ")";
    assertThat(stack.queryLong("SELECT chunk_count FROM simulations WHERE id = ?", sim))
        .as(why)
        .isEqualTo(chunkCount);
    assertThat(stack.queryLong("SELECT chunks_done FROM simulations WHERE id = ?", sim))
        .as(why + ": chunks_done")
        .isEqualTo(chunkCount);
    assertThat(stack.queryLong("SELECT count(*) FROM chunks WHERE simulation_id = ?", sim))
        .as(why + ": chunk rows")
        .isEqualTo(chunkCount);
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'SUCCEEDED'"
                    + " AND result IS NOT NULL",
                sim))
        .as(why + ": SUCCEEDED chunk rows")
        .isEqualTo(chunkCount);
    String succeededEvents =
        "FROM simulation_events WHERE simulation_id = ? AND type = 'chunk.succeeded'";
    assertThat(stack.queryLong("SELECT count(*) " + succeededEvents, sim))
        .as(why + ": chunk.succeeded events")
        .isEqualTo(chunkCount);
    assertThat(
            stack.queryLong(
                "SELECT count(DISTINCT (payload->>'chunk')::int) " + succeededEvents, sim))
        .as(why + ": chunks with a chunk.succeeded event")
        .isEqualTo(chunkCount);
    assertThat(stack.queryLong("SELECT max((payload->>'chunksDone')::int) " + succeededEvents, sim))
        .as(why + ": the last chunk.succeeded's chunksDone")
        .isEqualTo(chunkCount);
    long events =
        stack.queryLong("SELECT count(*) FROM simulation_events WHERE simulation_id = ?", sim);
    assertThat(
            stack.queryLong(
                "SELECT coalesce(max(seq), 0) FROM simulation_events WHERE simulation_id = ?", sim))
        .as(why + ": durable event ids 1..N")
        .isEqualTo(events);
    assertThat(stack.queryLong("SELECT event_seq FROM simulations WHERE id = ?", sim))
        .as(why + ": event_seq")
        .isEqualTo(events);
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM simulation_events WHERE simulation_id = ?"
                    + " AND type = 'simulation.succeeded'",
                sim))
        .as(why + ": simulation.succeeded events")
        .isEqualTo(1);
  }

  /** Chunks dispatched anew by the reconciler (generation above 0). */
  static long redispatched(SimRunStack stack, String id) {
    return stack.queryLong(
        "SELECT count(*) FROM chunks WHERE simulation_id = ? AND generation > 0",
        UUID.fromString(id));
  }

  /** Claims beyond the first: attempts that were retried, taken over or duplicated. */
  static long extraAttempts(SimRunStack stack, String id) {
    return stack.queryLong(
        "SELECT coalesce(sum(attempt - 1), 0) FROM chunks WHERE simulation_id = ?",
        UUID.fromString(id));
  }

  static long chunksDone(SimRunStack stack, String id) {
    return stack.queryLong("SELECT chunks_done FROM simulations WHERE id = ?", UUID.fromString(id));
  }
}
