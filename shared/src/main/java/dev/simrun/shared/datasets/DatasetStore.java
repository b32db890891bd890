package dev.simrun.shared.datasets;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import dev.simrun.shared.simulations.KeysetCursor;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Datasets in PostgreSQL: one row each, the bars in {@link BarsCodec}'s layout. */
@Singleton
public class DatasetStore {
  private final DatasetRepository rows;
  private final Clock clock;

  DatasetStore(DatasetRepository rows, Clock clock) {
    this.rows = rows;
    this.clock = clock;
  }

  public DatasetView create(String owner, String name, Bars bars, long csvBytes) {
    byte[] data = BarsCodec.encode(bars);
    // PostgreSQL keeps microseconds; the view handed back must match what a later read returns.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    DatasetRow row =
        rows.save(
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
    return rows.findById(id).map(r -> BarsCodec.decode(r.data()));
  }
}
