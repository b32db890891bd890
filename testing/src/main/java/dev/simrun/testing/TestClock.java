package dev.simrun.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand: leases lapse, tokens expire and backoffs pass without waiting. It
 * either stands still until moved ({@link #at}) or follows the system clock plus whatever the test
 * moved it by ({@link #ticking}). Safe to read and move from any thread.
 */
public final class TestClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset;

  private TestClock(Clock base, AtomicReference<Duration> offset) {
    this.base = base;
    this.offset = offset;
  }

  /** A clock that reads {@code start} until a test moves it. */
  public static TestClock at(Instant start) {
    return new TestClock(
        Clock.fixed(Objects.requireNonNull(start), ZoneOffset.UTC),
        new AtomicReference<>(Duration.ZERO));
  }

  /** The system clock, plus whatever a test moved it by: time passes as well. */
  public static TestClock ticking() {
    return new TestClock(Clock.systemUTC(), new AtomicReference<>(Duration.ZERO));
  }

  /** Moves the clock forward by {@code by} (back, when negative). */
  public void advance(Duration by) {
    Objects.requireNonNull(by);
    offset.updateAndGet(o -> o.plus(by));
  }

  /** Moves the clock to {@code now}; a ticking clock goes on from there. */
  public void set(Instant now) {
    Objects.requireNonNull(now);
    offset.set(Duration.between(base.instant(), now));
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  /** The same clock, moved with this one, seen in {@code zone}. */
  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(base.getZone()) ? this : new TestClock(base.withZone(zone), offset);
  }
}
