package dev.simrun.worker.testing;

import dev.simrun.testing.TestClock;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Every worker the tests start reads a ticking {@link TestClock}: leases lapse without waiting. */
@Factory
class TestClocks {
  @Singleton
  @Replaces(Clock.class)
  TestClock clock() {
    return TestClock.ticking();
  }
}
