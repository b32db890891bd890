package dev.simrun.shared.datasets;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import dev.simrun.shared.simulations.KeysetCursor;
import dev.simrun.shared.simulations.OwnerLocks;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Datasets in PostgreSQL: one row each, the bars in {@link BarsCodec}'s layout. Each owner keeps at
 * most a {@link Quota} of them, checked exactly as each one is stored.
 */
@Singleton
public class DatasetStore {
  private final DatasetRepository rows;
  private final TransactionOperations<Connection> tx;
  private final Clock clock;

  DatasetStore(DatasetRepository rows, TransactionOperations<Connection> tx, Clock clock) {
    this.rows = rows;
    this.tx = tx;
    this.clock = clock;
  }

  /** What one owner may keep: datasets, and bytes as stored (the encoded bars). */
  public record Quota(int maxDatasets, long maxStoredBytes) {}

  /** What one owner keeps. */
  @io.micronaut.core.annotation.Introspected
  public record Usage(long datasets, long storedBytes) {}

  public Usage usage(String owner) {
    return rows.usage(owner);
  }

  /**
   * Refuses when the owner already keeps all that {@code quota} allows, before an upload is read.
   *
   * @throws StorageQuotaExceeded when one more dataset, of any size, would not fit
   */
  public void requireRoom(String owner, Quota quota) {
    StorageQuotaExceeded.check(rows.usage(owner), 0, quota);
  }

  /**
   * Stores the bars unless the owner's datasets would then pass {@code quota}. The owner's count
   * and bytes are read under the owner's dataset lock in the inserting transaction: concurrent
   * uploads of one owner, on any instance, cannot pass the quota together.
   *
   * @throws StorageQuotaExceeded beyond the quota; nothing is stored
   */
  public DatasetView create(String owner, String name, Bars bars, long csvBytes, Quota quota) {
    byte[] data = BarsCodec.encode(bars);
    // PostgreSQL keeps microseconds; the view handed back must match what a later read returns.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    DatasetRow row =
        tx.executeWrite(
            status -> {
              OwnerLocks.datasets(status.getConnection(), owner);
              StorageQuotaExceeded.check(rows.usage(owner), data.length, quota);
              return rows.save(
                  new DatasetRow(
                      UUID.randomUUID(),
                      owner,
                      name,
                      bars.size(),
                      Instant.ofEpochSecond(bars.time()[0]),
                      Instant.ofEpochSecond(bars.time()[bars.size() - 1]),
                      csvBytes,
                      data,
                      now));
            });
    return new DatasetView(
        row.id(),
        row.name(),
        row.rows(),
        row.firstAt(),
        row.lastAt(),
        row.csvBytes(),
        data.length,
        row.createdAt());
  }

  /** What {@link #delete} did. */
  public sealed interface Deletion {}

  /** Deleted: gone for good. */
  public record Deleted() implements Deletion {}

  /** The owner has no dataset of that id: none has, or another owner's. */
  public record NotFound() implements Deletion {}

  /** Simulations of the owner that have not finished read it (the oldest first, a few). */
  public record InUse(List<UUID> simulations) implements Deletion {}

  /** Simulations named by {@link InUse} at most. */
  static final int IN_USE_SHOWN = 5;

  /**
   * Deletes one of the owner's datasets unless a simulation that has not finished reads it.
   * Finished simulations keep their results. Under the owner's submit lock, so that no submit can
   * store a simulation reading the dataset between the check and the delete.
   */
  public Deletion delete(String owner, UUID id) {
    return tx.executeWrite(
        status -> {
          Connection c = status.getConnection();
          OwnerLocks.submits(c, owner);
          if (rows.findView(id, owner).isEmpty()) {
            return new NotFound();
          }
          List<UUID> readers = unfinishedReaders(c, owner, id);
          if (!readers.isEmpty()) {
            return new InUse(readers);
          }
          try (PreparedStatement ps =
              Sql.prepare(c, "DELETE FROM datasets WHERE id = ? AND owner = ?", id, owner)) {
            ps.executeUpdate();
          }
          return new Deleted();
        });
  }

  private static List<UUID> unfinishedReaders(Connection c, String owner, UUID id)
      throws SQLException {
    EnumSet<SimulationStatus> unfinished = EnumSet.noneOf(SimulationStatus.class);
    for (SimulationStatus s : SimulationStatus.values()) {
      if (!s.terminal()) {
        unfinished.add(s);
      }
    }
    List<UUID> readers = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT id FROM simulations
                WHERE owner = ? AND status = ANY(?) AND ? = ANY(dataset_ids)
                ORDER BY created_at, id LIMIT ?
                """,
                owner,
                unfinished,
                id,
                IN_USE_SHOWN);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        readers.add(rs.getObject(1, UUID.class));
      }
    }
    return readers;
  }

  public Optional<DatasetView> find(String owner, UUID id) {
    return rows.findView(id, owner);
  }

  /** A page of the owner's datasets, newest first; {@code nextCursor} null on the last page. */
  public record Page(List<DatasetView> items, @Nullable String nextCursor) {}

  /**
   * @throws KeysetCursor.InvalidCursorException when {@code cursor} is not one a page handed out
   */
  public Page list(String owner, int limit, @Nullable String cursor) {
    KeysetCursor after = cursor == null ? null : KeysetCursor.decode(cursor);
    List<DatasetView> items =
        after == null
            ? rows.newest(owner, limit + 1)
            : rows.olderThan(owner, after.createdAt(), after.id(), limit + 1);
    if (items.size() <= limit) {
      return new Page(items, null);
    }
    DatasetView last = items.get(limit - 1);
    return new Page(
        List.copyOf(items.subList(0, limit)),
        new KeysetCursor(last.createdAt(), last.id()).encode());
  }

  /** The dataset's owner, name and size, whoever owns it: for kinds and for ownership checks. */
  public Optional<StoredInfo> info(UUID id) {
    return rows.findOwner(id)
        .map(
            o ->
                new StoredInfo(
                    o.owner(), new Datasets.Info(o.id().toString(), o.name(), o.rows())));
  }

  /** A dataset's info with its owner. */
  public record StoredInfo(String owner, Datasets.Info info) {}

  /** The dataset's bars; empty when there is no such dataset. */
  public Optional<Bars> bars(UUID id) {
    return rows.findById(id).map(r -> BarsCodec.decode(r.data()));
  }
}
