package dev.simrun.shared.deadletters;

import dev.simrun.shared.dispatch.TaskPayloads.ChunkTask;
import dev.simrun.shared.simulations.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * A chunk that failed for good: its attempts ran out, or the kind said a retry cannot help. Kept
 * until an operator replays it (the chunk runs again as a new generation) or discards it.
 *
 * @param owner the owner of the simulation the chunk belongs to
 * @param taskName the Cloud Tasks task whose last attempt recorded it
 * @param payload the task's body, as pushed
 * @param error the last attempt's error
 * @param attempts attempts made, as Cloud Tasks counted them (or the chunk's claims when unknown)
 * @param permanent true when the kind or the worker judged the failure permanent, false when the
 *     attempts ran out
 */
@Serdeable
public record DeadLetter(
    UUID id,
    String owner,
    UUID simulationId,
    int chunkIndex,
    int generation,
    String taskName,
    ChunkTask payload,
    String error,
    int attempts,
    boolean permanent,
    Instant firstFailureAt,
    Instant lastFailureAt,
    Instant createdAt,
    DeadLetterStatus status,
    @Nullable Instant resolvedAt) {

  /** The columns {@link #read} needs, for SELECTs of {@code dead_letters}. */
  public static final String COLUMNS =
      "id, owner, simulation_id, chunk_idx, generation, task_name, error,"
          + " attempts, permanent, first_failure_at, last_failure_at, created_at, status,"
          + " resolved_at";

  public static DeadLetter read(ResultSet rs) throws SQLException {
    return new DeadLetter(
        rs.getObject("id", UUID.class),
        rs.getString("owner"),
        rs.getObject("simulation_id", UUID.class),
        rs.getInt("chunk_idx"),
        rs.getInt("generation"),
        rs.getString("task_name"),
        new ChunkTask(
            rs.getObject("simulation_id", UUID.class),
            rs.getInt("chunk_idx"),
            rs.getInt("generation")),
        rs.getString("error"),
        rs.getInt("attempts"),
        rs.getBoolean("permanent"),
        Sql.instant(rs, "first_failure_at"),
        Sql.instant(rs, "last_failure_at"),
        Sql.instant(rs, "created_at"),
        DeadLetterStatus.valueOf(rs.getString("status")),
        Sql.instant(rs, "resolved_at"));
  }
}
