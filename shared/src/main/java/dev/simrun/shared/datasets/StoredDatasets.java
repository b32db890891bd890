package dev.simrun.shared.datasets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@link Datasets} for kinds, from {@link DatasetStore}. Datasets never change, so decoded bars are
 * kept in a cache bounded by their size (256 MiB): the chunks of one simulation that land on one
 * worker decode a dataset once. While a submit is validated ({@link #asSeenBy}) kinds see only the
 * caller's datasets.
 */
@Singleton
public class StoredDatasets implements Datasets {
  static final long CACHE_BYTES = 256L * 1024 * 1024;

  private final DatasetStore store;
  private final Cache<UUID, Bars> cache =
      Caffeine.newBuilder()
          .maximumWeight(CACHE_BYTES)
          .<UUID, Bars>weigher((id, bars) -> (int) Math.min(Integer.MAX_VALUE, bars.size() * 48L))
          .build();

  public StoredDatasets(DatasetStore store) {
    this.store = store;
  }

  /**
   * Kinds ask for a dataset's info on every plan (validate, each chunk, reduce): found ones stay.
   */
  private final Cache<UUID, Info> infos = Caffeine.newBuilder().maximumSize(10_000).build();

  /** Whose datasets kinds see on this thread; null (all of them) outside {@link #asSeenBy}. */
  private final ThreadLocal<String> seenBy = new ThreadLocal<>();

  /**
   * Runs {@code work}, a kind's validation and planning of a caller's submit, seeing only {@code
   * owner}'s datasets: another owner's dataset is answered exactly as an id that names none, so
   * nothing a kind says about it (that it exists, how many rows it has) can reach the caller. Read
   * from the database each time, not from the cache, so a dataset deleted a moment ago is gone.
   */
  public <T> T asSeenBy(String owner, Supplier<T> work) {
    String outer = seenBy.get();
    seenBy.set(owner);
    try {
      return work.get();
    } finally {
      if (outer == null) {
        seenBy.remove();
      } else {
        seenBy.set(outer);
      }
    }
  }

  @Override
  public Optional<Info> info(String id) {
    Optional<UUID> key = parse(id);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    String owner = seenBy.get();
    if (owner != null) {
      return store
          .info(key.get())
          .filter(stored -> stored.owner().equals(owner))
          .map(DatasetStore.StoredInfo::info);
    }
    Info cached = infos.getIfPresent(key.get());
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Info> found = store.info(key.get()).map(DatasetStore.StoredInfo::info);
    found.ifPresent(info -> infos.put(key.get(), info));
    return found;
  }

  @Override
  public Bars bars(String id) {
    UUID key = parse(id).orElseThrow(() -> new IllegalArgumentException("no dataset " + id));
    if (seenBy.get() != null && info(id).isEmpty()) {
      throw new IllegalArgumentException("no dataset " + id);
    }
    return cache.get(
        key,
        k -> store.bars(k).orElseThrow(() -> new IllegalArgumentException("no dataset " + id)));
  }

  private static Optional<UUID> parse(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
