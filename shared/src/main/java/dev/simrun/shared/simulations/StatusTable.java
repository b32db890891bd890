package dev.simrun.shared.simulations;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A table of allowed status changes and the "from" sets that guarded updates take from it: the one
 * rule {@link SimulationStatus} and {@link ChunkStatus} each hold.
 */
final class StatusTable<S extends Enum<S>> {
  private final Class<S> type;
  private final Map<S, EnumSet<S>> allowed;

  /** {@code allowed} maps each status to those it may become; a status left out becomes none. */
  StatusTable(Class<S> type, Map<S, Set<S>> allowed) {
    this.type = type;
    this.allowed = new EnumMap<>(type);
    for (S s : type.getEnumConstants()) {
      Set<S> next = allowed.get(s);
      this.allowed.put(s, next == null ? EnumSet.noneOf(type) : EnumSet.copyOf(next));
    }
  }

  boolean allows(S from, S to) {
    return allowed.get(from).contains(to);
  }

  /** Every status from which {@code next} may be reached. */
  EnumSet<S> from(S next) {
    EnumSet<S> out = EnumSet.noneOf(type);
    for (Map.Entry<S, EnumSet<S>> e : allowed.entrySet()) {
      if (e.getValue().contains(next)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Exactly {@code leaving}, for a guarded update to {@code next} that means to leave only those.
   *
   * @throws IllegalStateException when the table does not allow one of them: no guard is wider than
   *     the table
   */
  EnumSet<S> from(S next, EnumSet<S> leaving) {
    if (!from(next).containsAll(leaving)) {
      throw new IllegalStateException(
          "the table does not allow " + leaving + " to become " + next + ", only " + from(next));
    }
    return EnumSet.copyOf(leaving);
  }
}
