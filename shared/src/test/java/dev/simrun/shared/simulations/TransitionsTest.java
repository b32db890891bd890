package dev.simrun.shared.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.simulations.ChunkTransitions.ClaimRequest;
import dev.simrun.shared.simulations.ChunkTransitions.Success;
import dev.simrun.shared.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of statuses, per table, against a real PostgreSQL: a change the table allows is made
 * by one of the transitions (and leaves the row in the new status); one it does not allow is
 * refused by every transition to that status, and the row stays as it was. Everything else a guard
 * checks (attempt, generation, lease) is set to pass, so what refuses is the status.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransitionsTest implements TestPropertyProvider {
  private static final String QUEUE = "test-queue";

  @Inject TransactionOperations<Connection> tx;
  @Inject SimulationTransitions simulations;
  @Inject ChunkTransitions chunks;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabase.properties();
  }

  /** A transition under test: the status it leads to and a call of it on a prepared row. */
  interface Change {
    /** True when it made the change. */
    boolean run(Connection c, UUID simulation, Instant now) throws SQLException;
  }

  /**
   * @param soleWriter true when the transition writes nothing else of the row it is refused on, so
   *     a refusal must leave the whole row as it was (a commit still counts its chunk)
   */
  record Transition<S>(String name, S to, boolean soleWriter, Change change) {}

  List<Transition<SimulationStatus>> simulationTransitions() {
    return List.of(
        new Transition<>(
            "start by a claim",
            SimulationStatus.RUNNING,
            true,
            (c, id, now) -> column(chunks.claims(c, claim(id, now), now), "started_event") != null),
        new Transition<>(
            "resume by a replay",
            SimulationStatus.RUNNING,
            true,
            (c, id, now) -> simulations.resumed(c, id, Map.of(), now).isPresent()),
        new Transition<>(
            "cancel",
            SimulationStatus.CANCELLING,
            true,
            (c, id, now) -> simulations.cancelling(c, id)),
        new Transition<>(
            "cancel completed",
            SimulationStatus.CANCELLED,
            true,
            (c, id, now) -> simulations.cancelled(c, id, now).isPresent()),
        new Transition<>(
            "cancel completed by the last commit",
            SimulationStatus.CANCELLED,
            false,
            (c, id, now) ->
                column(chunks.successes(c, commit(id, 1), now, QUEUE), "cancelled_id") != null),
        finish(SimulationStatus.SUCCEEDED),
        finish(SimulationStatus.PARTIAL),
        finish(SimulationStatus.FAILED));
  }

  private Transition<SimulationStatus> finish(SimulationStatus outcome) {
    return new Transition<>(
        "finalize",
        outcome,
        true,
        (c, id, now) ->
            simulations
                .finished(c, id, outcome, new byte[] {1}, "why", Map.of("k", "v"), now)
                .isPresent());
  }

  List<Transition<ChunkStatus>> chunkTransitions() {
    return List.of(
        new Transition<>(
            "claim",
            ChunkStatus.RUNNING,
            true,
            (c, id, now) -> column(chunks.claims(c, claim(id, now), now), "attempt") != null),
        new Transition<>(
            "commit",
            ChunkStatus.SUCCEEDED,
            true,
            (c, id, now) ->
                column(chunks.successes(c, commit(id, 0), now, QUEUE), "event_id") != null),
        new Transition<>(
            "failed for good",
            ChunkStatus.FAILED,
            true,
            (c, id, now) -> chunks.fail(c, id, 0, 1, "boom", now).isPresent()),
        new Transition<>(
            "release",
            ChunkStatus.PENDING,
            true,
            (c, id, now) -> chunks.release(c, id, 0, 1, "boom", now)),
        new Transition<>(
            "redispatch",
            ChunkStatus.PENDING,
            true,
            (c, id, now) -> chunks.redispatch(c, id, 0, 0, now).isPresent()),
        new Transition<>(
            "replay",
            ChunkStatus.PENDING,
            true,
            (c, id, now) -> chunks.replay(c, id, 0, QUEUE, now).isPresent()),
        new Transition<>(
            "resume",
            ChunkStatus.PENDING,
            true,
            (c, id, now) -> !chunks.resumeCancelled(c, id, QUEUE, now).isEmpty()),
        new Transition<>(
            "withdraw pending",
            ChunkStatus.CANCELLED,
            true,
            (c, id, now) -> !chunks.withdrawPending(c, id, QUEUE, now).isEmpty()),
        new Transition<>(
            "stop for a cancel",
            ChunkStatus.CANCELLED,
            true,
            (c, id, now) -> chunks.stop(c, id, 0, 1, now)),
        new Transition<>(
            "stop a lapsed attempt",
            ChunkStatus.CANCELLED,
            true,
            (c, id, now) -> chunks.stopLapsed(c, id, now) == 1));
  }

  static Stream<Arguments> simulationPairs() {
    return pairs(SimulationStatus.values());
  }

  static Stream<Arguments> chunkPairs() {
    return pairs(ChunkStatus.values());
  }

  private static <S> Stream<Arguments> pairs(S[] values) {
    List<Arguments> out = new ArrayList<>();
    for (S from : values) {
      for (S to : values) {
        out.add(Arguments.of(from, to));
      }
    }
    return out.stream();
  }

  /**
   * A simulation in {@code from} with two chunks: chunk 0 PENDING, for a claim to take; chunk 1
   * RUNNING as attempt 1, for a commit to finish.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("simulationPairs")
  void aSimulationChangesOnlyAlongTheTable(SimulationStatus from, SimulationStatus to) {
    boolean allowed = from.canBecome(to);
    List<String> made = new ArrayList<>();
    for (Transition<SimulationStatus> t : simulationTransitions()) {
      if (t.to() != to) {
        continue;
      }
      UUID id = aSimulation(from);
      setChunk(id, 1, ChunkStatus.RUNNING);
      Snapshot before = snapshot("simulations", "id = '" + id + "'", id);
      boolean changed = runs(t.change(), id);
      Snapshot after = snapshot("simulations", "id = '" + id + "'", id);
      if (changed) {
        made.add(t.name());
        assertThat(after.status()).as(t.name()).isEqualTo(to.name());
      } else {
        assertThat(after.status()).as(t.name() + " refused").isEqualTo(from.name());
        if (t.soleWriter()) {
          assertThat(after)
              .as(t.name() + " refused: the row and the log as they were")
              .isEqualTo(before);
        }
      }
    }
    if (allowed) {
      assertThat(made).as("a transition makes %s -> %s", from, to).isNotEmpty();
    } else {
      assertThat(made).as("%s -> %s is not in the table", from, to).isEmpty();
    }
  }

  /**
   * Chunk 0 in {@code from}, of a RUNNING simulation, as attempt 1 of generation 0 with a lease
   * that has lapsed; chunk 1 SUCCEEDED, which no transition leaves, so it stays out of the way.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("chunkPairs")
  void aChunkChangesOnlyAlongTheTable(ChunkStatus from, ChunkStatus to) {
    boolean allowed = from.canBecome(to);
    List<String> made = new ArrayList<>();
    for (Transition<ChunkStatus> t : chunkTransitions()) {
      if (t.to() != to) {
        continue;
      }
      UUID id = aSimulation(SimulationStatus.RUNNING);
      setChunk(id, 0, from);
      setChunk(id, 1, ChunkStatus.SUCCEEDED);
      String chunk = "simulation_id = '" + id + "' AND idx = 0";
      Snapshot before = snapshot("chunks", chunk, id);
      boolean changed = runs(t.change(), id);
      Snapshot after = snapshot("chunks", chunk, id);
      if (changed) {
        made.add(t.name());
        assertThat(after.status()).as(t.name()).isEqualTo(to.name());
      } else {
        assertThat(after)
            .as(t.name() + " refused: the row and the log as they were")
            .isEqualTo(before);
      }
    }
    if (allowed) {
      assertThat(made).as("a transition makes %s -> %s", from, to).isNotEmpty();
    } else {
      assertThat(made).as("%s -> %s is not in the table", from, to).isEmpty();
    }
  }

  @Test
  void noGuardIsWiderThanTheTable() {
    assertThat(SimulationStatus.from(SimulationStatus.RUNNING, SimulationStatus.QUEUED))
        .containsExactly(SimulationStatus.QUEUED);
    assertThatThrownBy(
            () -> SimulationStatus.from(SimulationStatus.RUNNING, SimulationStatus.CANCELLED))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ChunkStatus.from(ChunkStatus.PENDING, ChunkStatus.SUCCEEDED))
        .isInstanceOf(IllegalStateException.class);
    for (SimulationStatus next : SimulationStatus.values()) {
      for (SimulationStatus s : SimulationStatus.from(next)) {
        assertThat(s.canBecome(next)).isTrue();
      }
    }
    for (ChunkStatus next : ChunkStatus.values()) {
      for (ChunkStatus s : ChunkStatus.from(next)) {
        assertThat(s.canBecome(next)).isTrue();
      }
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** A claim of chunk 0 in generation 0. */
  private static List<ClaimRequest> claim(UUID id, Instant now) {
    return List.of(new ClaimRequest(id, 0, 0, now.plusSeconds(60)));
  }

  /** A commit of attempt 1 of the chunk. */
  private static List<Success> commit(UUID id, int chunk) {
    return List.of(new Success(id, chunk, 1, new byte[] {1}));
  }

  /** Runs a prepared grouped statement: {@code column} of its first row; null without one. */
  private static Object column(PreparedStatement statement, String column) throws SQLException {
    try (PreparedStatement ps = statement;
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getObject(column) : null;
    }
  }

  private boolean runs(Change change, UUID id) {
    return tx.executeWrite(
        st -> change.run(st.getConnection(), id, Instant.now().truncatedTo(ChronoUnit.MICROS)));
  }

  /** A row as JSON, with its simulation's events and outbox rows counted. */
  record Snapshot(String row, String status, long events, long outbox) {}

  private Snapshot snapshot(String table, String where, UUID simulation) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  st.getConnection()
                      .prepareStatement(
                          "SELECT row_to_json(t)::text, t.status,"
                              + " (SELECT count(*) FROM simulation_events WHERE simulation_id = ?),"
                              + " (SELECT count(*) FROM outbox WHERE simulation_id = ?)"
                              + " FROM "
                              + table
                              + " t WHERE "
                              + where);
              ResultSet rs = bind(ps, simulation, simulation).executeQuery()) {
            rs.next();
            return new Snapshot(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
          }
        });
  }

  private static PreparedStatement bind(PreparedStatement ps, Object... params)
      throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
    return ps;
  }

  /** A simulation written straight into {@code status}, with two chunks PENDING. */
  private UUID aSimulation(SimulationStatus status) {
    UUID id = UUID.randomUUID();
    tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Sql.update(
              c,
              """
              INSERT INTO simulations (id, owner, kind, priority, status, params, units,
                  units_per_chunk, chunk_count, event_seq, created_at)
              VALUES (?, 'transitions', 'test-kind', 'interactive', ?, '{}'::jsonb, 2, 1, 2, 1,
                  now())
              """,
              id,
              status.name());
          return Sql.update(
              c,
              """
              INSERT INTO chunks (simulation_id, idx, unit_from, unit_to)
              VALUES (?, 0, 0, 1), (?, 1, 1, 2)
              """,
              id,
              id);
        });
    return id;
  }

  /** The chunk written straight into {@code status}, as attempt 1 with a lease that has lapsed. */
  private void setChunk(UUID id, int index, ChunkStatus status) {
    tx.executeWrite(
        st ->
            Sql.update(
                st.getConnection(),
                "UPDATE chunks SET status = ?, attempt = 1, lease_until = ?"
                    + " WHERE simulation_id = ? AND idx = ?",
                status.name(),
                Instant.now().minus(Duration.ofMinutes(1)),
                id,
                index));
  }
}
