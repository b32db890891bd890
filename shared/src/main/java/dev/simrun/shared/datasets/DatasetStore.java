package dev.simrun.shared.datasets;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import dev.simrun.shared.simulations.KeysetCursor;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Datasets in PostgreSQL: one row each, the bars in {@link BarsCodec}'s layout. */
@Singleton
public class DatasetStore {
  private static final String VIEW =
      "id, name, rows, first_at, last_at, csv_bytes, octet_length(data) AS stored_bytes,"
          + " created_at";

  private final TransactionOperations<Connection> tx;
  private final Clock clock;

  public DatasetStore(TransactionOperations<Connection> tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  public DatasetView create(String owner, String name, Bars bars, long csvBytes) {
    byte[] data = BarsCodec.encode(bars);
    return tx.executeWrite(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "INSERT INTO datasets (id, owner, name, rows, first_at, last_at, csv_bytes,"
                          + " data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                          + VIEW,
                      UUID.randomUUID(),
                      owner,
                      name,
                      bars.size(),
                      Instant.ofEpochSecond(bars.time()[0]),
                      Instant.ofEpochSecond(bars.time()[bars.size() - 1]),
                      csvBytes,
                      data,
                      clock.instant());
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return view(rs);
          }
        });
  }

  public Optional<DatasetView> find(String owner, UUID id) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT " + VIEW + " FROM datasets WHERE id = ? AND owner = ?",
                      id,
                      owner);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(view(rs)) : Optional.<DatasetView>empty();
          }
        });
  }

  /** A page of the owner's datasets, newest first; {@code nextCursor} null on the last page. */
  public record Page(List<DatasetView> items, @Nullable String nextCursor) {}

  /**
   * @throws KeysetCursor.InvalidCursorException when {@code cursor} is not one a page handed out
   */
  public Page list(String owner, int limit, @Nullable String cursor) {
    KeysetCursor after = cursor == null ? null : KeysetCursor.decode(cursor);
    return tx.executeRead(
        st -> {
          List<DatasetView> items = new ArrayList<>();
          try (PreparedStatement ps =
                  after == null
                      ? Sql.prepare(
                          st.getConnection(),
                          "SELECT "
                              + VIEW
                              + " FROM datasets WHERE owner = ?"
                              + " ORDER BY created_at DESC, id DESC LIMIT ?",
                          owner,
                          limit + 1)
                      : Sql.prepare(
                          st.getConnection(),
                          "SELECT "
                              + VIEW
                              + " FROM datasets WHERE owner = ?"
                              + " AND (created_at, id) < (?, ?)"
                              + " ORDER BY created_at DESC, id DESC LIMIT ?",
                          owner,
                          after.createdAt(),
                          after.id(),
                          limit + 1);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(view(rs));
            }
          }
          if (items.size() <= limit) {
            return new Page(items, null);
          }
          DatasetView last = items.get(limit - 1);
          return new Page(
              List.copyOf(items.subList(0, limit)),
              new KeysetCursor(last.createdAt(), last.id()).encode());
        });
  }

  /** The dataset's owner, name and size, whoever owns it: for kinds and for ownership checks. */
  public Optional<StoredInfo> info(UUID id) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT owner, name, rows FROM datasets WHERE id = ?",
                      id);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(
                    new StoredInfo(
                        rs.getString("owner"),
                        new Datasets.Info(id.toString(), rs.getString("name"), rs.getInt("rows"))))
                : Optional.<StoredInfo>empty();
          }
        });
  }

  /** True when {@code id} names a dataset of {@code owner}. */
  public boolean ownedBy(String owner, String id) {
    try {
      return info(UUID.fromString(id)).map(i -> i.owner().equals(owner)).orElse(false);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A dataset's info with its owner. */
  public record StoredInfo(String owner, Datasets.Info info) {}

  /** The dataset's bars; empty when there is no such dataset. */
  public Optional<Bars> bars(UUID id) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(st.getConnection(), "SELECT data FROM datasets WHERE id = ?", id);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(BarsCodec.decode(rs.getBytes(1)))
                : Optional.<Bars>empty();
          }
        });
  }

  private static DatasetView view(ResultSet rs) throws SQLException {
    return new DatasetView(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getInt("rows"),
        Sql.instant(rs, "first_at"),
        Sql.instant(rs, "last_at"),
        rs.getLong("csv_bytes"),
        rs.getLong("stored_bytes"),
        Sql.instant(rs, "created_at"));
  }
}
