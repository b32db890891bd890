package dev.simrun.shared.simulations;

import java.util.Locale;

/** Which Cloud Tasks queue a simulation's chunks go to: people first, nightly batches apart. */
public enum Priority {
  INTERACTIVE,
  BATCH;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Priority fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
