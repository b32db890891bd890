package dev.simrun.worker.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named on/off switches a test flips to make a {@link SumKind} chunk fail and then stop failing:
 * the "cause" of a failure that an operator removes before replaying its dead letter.
 */
public final class Switches {
  private static final Set<String> ON = ConcurrentHashMap.newKeySet();

  private Switches() {}

  public static void on(String name) {
    ON.add(name);
  }

  public static void off(String name) {
    ON.remove(name);
  }

  static boolean isOn(String name) {
    return ON.contains(name);
  }
}
