package dev.simrun.api.limits;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What each owner holds at once in this instance (open event streams, uploads in flight), against
 * one cap per owner, so that one caller cannot take all of a limit the instance shares. Counted in
 * this process only: with several instances an owner may hold up to the cap on each. An owner
 * holding nothing costs nothing.
 */
public final class OwnerSlots {
  private final int max;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public OwnerSlots(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a cap per owner must be at least 1, was " + max);
    }
    this.max = max;
  }

  /** A slot for {@code owner}, or empty when the owner holds the cap already. */
  public Optional<Slot> tryTake(String owner) {
    boolean[] taken = {false};
    held.compute(
        owner,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0] ? Optional.of(new Slot(owner)) : Optional.empty();
  }

  /** What {@code owner} holds now. */
  public int held(String owner) {
    return held.getOrDefault(owner, 0);
  }

  public int max() {
    return max;
  }

  /** One slot of one owner; closing it gives it back, once however often it is closed. */
  public final class Slot implements AutoCloseable {
    private final String owner;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        held.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}
