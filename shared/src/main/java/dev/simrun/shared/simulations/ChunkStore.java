package dev.simrun.shared.simulations;

import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.ChunkTransitions.ClaimRequest;
import dev.simrun.shared.simulations.ChunkTransitions.Success;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Chunks as deliveries claim and commit them. A claim is one guarded UPDATE that bumps the attempt
 * number; a commit is guarded by that attempt, so a stale or duplicate delivery changes nothing.
 * What an attempt does between the two is {@link ChunkAttempts}.
 */
@Singleton
public class ChunkStore {
  private final TransactionOperations<Connection> tx;
  private final ConnectionOperations<Connection> connections;
  private final Clock clock;
  private final QueueNames queues;
  private final ChunkTransitions transitions;

  public ChunkStore(
      TransactionOperations<Connection> tx,
      ConnectionOperations<Connection> connections,
      Clock clock,
      QueueNames queues,
      ChunkTransitions transitions) {
    this.tx = tx;
    this.connections = connections;
    this.clock = clock;
    this.queues = queues;
    this.transitions = transitions;
    this.claims = new GroupedCalls<>(RUNNERS, MAX_GROUP, this::claimAll);
    this.commits = new GroupedCalls<>(RUNNERS, MAX_GROUP, this::commitAll);
  }

  /**
   * Claims and commits that arrive while others are with the database are grouped: each group is
   * one statement, one round trip (decision 0017). At most this many groups of each are with the
   * database at once, each on a connection of its own...
   */
  private static final int RUNNERS = 2;

  /** ...and a group holds at most this many. */
  private static final int MAX_GROUP = 64;

  private final GroupedCalls<Delivery, Claim> claims;
  private final GroupedCalls<Success, Commit> commits;

  /** A delivery's claim: the chunk, the generation its task names, how long a lease it takes. */
  private record Delivery(UUID simulationId, int chunkIndex, int generation, Duration lease) {}

  /** Work that needs one JDBC connection and may throw what JDBC throws. */
  @FunctionalInterface
  private interface OnConnection<R> {
    R apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection outside any transaction block (auto-commit): a single
   * statement is then its own transaction, one round trip, and the row locks it takes are released
   * as it ends, not a round trip later. Claims and commits run on whichever caller's thread runs
   * their group, so they must not be called inside a transaction.
   */
  private <R> R autoCommit(OnConnection<R> work) {
    return connections.executeWrite(
        status -> {
          try {
            return work.apply(status.getConnection());
          } catch (SQLException e) {
            throw new DataAccessException("chunk statement failed: " + e.getMessage(), e);
          }
        });
  }

  /** What a delivery found. */
  public sealed interface Claim {}

  /**
   * This delivery runs the chunk, as attempt {@code attempt}. {@code events} are what the claim
   * changed ({@code simulation.started} when it was the first, then {@code chunk.started}), for the
   * caller to publish.
   */
  public record Claimed(
      UUID simulationId,
      int chunkIndex,
      int attempt,
      long unitFrom,
      long unitTo,
      String kind,
      String paramsJson,
      String owner,
      List<SimulationEvent> events,
      byte[] checkpoint)
      implements Claim {}

  /** Nothing to do: the chunk is finished, superseded by a newer generation, or unknown. */
  public record NothingToDo(String why) implements Claim {}

  /** Another attempt holds a live lease: try again later. */
  public record Busy(Instant leaseUntil) implements Claim {}

  /**
   * Claims the chunk for a new attempt: the guarded update of the chunk and, for the first claim of
   * a simulation, QUEUED to RUNNING with its {@code simulation.started} event (the update's guard
   * on the locked row makes that happen once). One statement outside a transaction block, together
   * with the claims other deliveries make meanwhile.
   */
  public Claim claim(UUID simulationId, int chunkIndex, int generation, Duration lease) {
    return claims.call(new Delivery(simulationId, chunkIndex, generation, lease));
  }

  private List<Claim> claimAll(List<Delivery> deliveries) {
    return autoCommit(
        c -> {
          Instant now = clock.instant();
          List<ClaimRequest> requests =
              deliveries.stream()
                  .map(
                      d ->
                          new ClaimRequest(
                              d.simulationId(),
                              d.chunkIndex(),
                              d.generation(),
                              now.plus(d.lease())))
                  .toList();
          Claim[] answers = new Claim[requests.size()];
          Set<UUID> startedTold = new HashSet<>();
          try (PreparedStatement ps = transitions.claims(c, requests, now);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              int i = rs.getInt("ord") - 1;
              ClaimRequest r = requests.get(i);
              String owner = rs.getString("owner");
              int attempt = rs.getInt("attempt");
              List<SimulationEvent> changes = new ArrayList<>(2);
              Long started = Sql.nullableLong(rs, "started_event");
              if (started != null && startedTold.add(r.simulationId())) {
                changes.add(
                    new SimulationEvent(
                        SimulationEvent.VERSION,
                        started,
                        EventType.SIMULATION_STARTED.wire(),
                        r.simulationId(),
                        owner,
                        now,
                        Map.of()));
              }
              changes.add(
                  SimulationEvent.transientEvent(
                      EventType.CHUNK_STARTED,
                      r.simulationId(),
                      owner,
                      now,
                      Map.of("chunk", r.chunkIndex(), "attempt", attempt)));
              answers[i] =
                  new Claimed(
                      r.simulationId(),
                      r.chunkIndex(),
                      attempt,
                      rs.getLong("unit_from"),
                      rs.getLong("unit_to"),
                      rs.getString("kind"),
                      rs.getString("params"),
                      owner,
                      List.copyOf(changes),
                      rs.getBytes("checkpoint"));
            }
          }
          for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
              ClaimRequest r = requests.get(i);
              answers[i] = whyNot(c, r.simulationId(), r.chunkIndex(), r.generation(), now);
            }
          }
          return List.of(answers);
        });
  }

  private static Claim whyNot(
      Connection c, UUID simulationId, int chunkIndex, int generation, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT c.status, c.generation, c.lease_until, s.status AS simulation_status
                FROM chunks c JOIN simulations s ON s.id = c.simulation_id
                WHERE c.simulation_id = ? AND c.idx = ?
                """,
                simulationId,
                chunkIndex);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new NothingToDo("no such chunk");
      }
      if (rs.getInt("generation") != generation) {
        return new NothingToDo("stale generation " + generation);
      }
      ChunkStatus status = ChunkStatus.valueOf(rs.getString("status"));
      if (status.terminal()) {
        return new NothingToDo("chunk already " + status);
      }
      SimulationStatus simulation = SimulationStatus.valueOf(rs.getString("simulation_status"));
      if (!simulation.runsChunks()) {
        return new NothingToDo("simulation is " + simulation);
      }
      Instant lease = Sql.instant(rs, "lease_until");
      return new Busy(lease == null ? now : lease);
    }
  }

  /** What a commit did. */
  public sealed interface Commit {}

  /**
   * The result is stored. {@code finalizeOutboxId} is set when this commit completed the last
   * outstanding chunk: the finalize task is then in the outbox, to be created once. {@code events}
   * are what this commit logged: {@code chunk.succeeded}, and {@code simulation.cancelled} when it
   * was the last running chunk of a cancelling simulation.
   */
  public record Committed(Long finalizeOutboxId, List<SimulationEvent> events) implements Commit {}

  /** A newer attempt owns the chunk (or it was cancelled): this result is dropped. */
  public record Superseded() implements Commit {}

  /**
   * Commits attempt {@code attempt}'s result, fenced by the attempt, with {@code
   * commit_chunks_success} outside a transaction block, together with the commits other deliveries
   * make meanwhile: the chunk, the simulation's count and {@code chunk.succeeded} with the next
   * event id, then finalize into the outbox (last chunk) or, when the simulation is being cancelled
   * and no chunk runs any more, CANCELLED. The simulation's row lock is held from the count to the
   * commit without a round trip between.
   */
  public Commit commitSuccess(UUID simulationId, int chunkIndex, int attempt, byte[] result) {
    return commits.call(new Success(simulationId, chunkIndex, attempt, result));
  }

  private List<Commit> commitAll(List<Success> requests) {
    return autoCommit(
        c -> {
          Instant now = clock.instant();
          Commit[] answers = new Commit[requests.size()];
          try (PreparedStatement ps =
                  transitions.successes(c, requests, now, queues.finalizeQueue());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              int i = rs.getInt("p_ord") - 1;
              Success r = requests.get(i);
              String owner = rs.getString("sim_owner");
              List<SimulationEvent> logged = new ArrayList<>(2);
              logged.add(
                  new SimulationEvent(
                      SimulationEvent.VERSION,
                      rs.getLong("event_id"),
                      EventType.CHUNK_SUCCEEDED.wire(),
                      r.simulationId(),
                      owner,
                      now,
                      Map.of(
                          "chunk", r.chunkIndex(),
                          "attempt", r.attempt(),
                          "chunksDone", rs.getInt("done"),
                          "chunkCount", rs.getInt("total"))));
              Long cancelled = Sql.nullableLong(rs, "cancelled_id");
              if (cancelled != null) {
                logged.add(
                    new SimulationEvent(
                        SimulationEvent.VERSION,
                        cancelled,
                        EventType.SIMULATION_CANCELLED.wire(),
                        r.simulationId(),
                        owner,
                        now,
                        Map.of()));
              }
              answers[i] = new Committed(Sql.nullableLong(rs, "finalize_id"), List.copyOf(logged));
            }
          }
          for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
              answers[i] = new Superseded();
            }
          }
          return List.of(answers);
        });
  }

  /** A simulation's kind and priority: what a worker needs to know before it admits a chunk. */
  public record Routing(String kind, Priority priority) {}

  /** The kind and priority of a simulation, which never change; empty when there is none. */
  public Optional<Routing> routingOf(UUID simulationId) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT kind, priority FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(new Routing(rs.getString(1), Priority.fromWire(rs.getString(2))))
                : Optional.<Routing>empty();
          }
        });
  }
}
