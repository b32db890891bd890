package dev.simrun.shared.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Checks for the compact constructors of configuration records. Each names one setting in full and
 * the value it had, so that the message can be shown as it is when a service refuses to start
 * ({@link ConfigurationCheck}).
 */
public final class Settings {
  private Settings() {}

  public static Duration positive(String setting, Duration value) {
    if (value == null || !value.isPositive()) {
      throw new IllegalArgumentException(setting + " must be positive, was " + show(value));
    }
    return value;
  }

  public static Duration notNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative, was " + show(value));
    }
    return value;
  }

  public static Duration atLeast(String setting, Duration value, Duration min, String why) {
    if (value == null || value.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          setting + " must be at least " + show(min) + why + ", was " + show(value));
    }
    return value;
  }

  /** As the setting would be written: {@code 9m30s}, {@code 500ms}, {@code 0s}. */
  public static String show(Duration value) {
    if (value == null) {
      return "not set";
    }
    if (!value.isZero() && value.abs().compareTo(Duration.ofSeconds(1)) < 0) {
      return (value.isNegative() ? "-" : "") + value.abs().toMillis() + "ms";
    }
    return value.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
