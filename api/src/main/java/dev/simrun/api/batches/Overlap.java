package dev.simrun.api.batches;

import java.util.Arrays;
import java.util.Optional;

/** What a trigger does while an earlier run of the same batch is still going. */
public enum Overlap {
  /** Records the new run as SKIPPED; the running one goes on. The default. */
  SKIP("skip"),
  /** Cancels the running one (CANCELLED) and starts the new one. */
  CANCEL_PREVIOUS("cancelPrevious"),
  /** Starts the new one beside it. */
  ALLOW("allow");

  private final String wire;

  Overlap(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Overlap> fromWire(String wire) {
    return Arrays.stream(values()).filter(o -> o.wire.equals(wire)).findFirst();
  }
}
