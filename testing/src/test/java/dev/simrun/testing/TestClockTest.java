package dev.simrun.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestClockTest {
  static final Instant START = Instant.parse("2030-01-02T03:04:05.123456789Z");

  @Test
  void aFixedClockStandsStillUntilMoved() {
    TestClock clock = TestClock.at(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli());

    clock.advance(Duration.ofMinutes(5));
    assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofMinutes(5)));

    Instant later = Instant.parse("2031-06-07T08:09:10Z");
    clock.set(later);
    assertThat(clock.instant()).isEqualTo(later);
    clock.advance(Duration.ofSeconds(-10));
    assertThat(clock.instant()).isEqualTo(later.minusSeconds(10));
  }

  @Test
  void aTickingClockIsNeverBehindTheSystemClockPlusWhatItWasMovedBy() {
    TestClock clock = TestClock.ticking();
    clock.advance(Duration.ofDays(1));
    Instant before = Instant.now().plus(Duration.ofDays(1));
    Instant read = clock.instant();
    Instant after = Instant.now().plus(Duration.ofDays(1));
    assertThat(read).isBetween(before, after);
  }

  @Test
  void concurrentAdvancesAreAllCounted() throws InterruptedException {
    TestClock clock = TestClock.at(START);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      clock.advance(Duration.ofMillis(1));
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(clock.instant()).isEqualTo(START.plusMillis(8000));
  }

  @Test
  void anotherZoneIsAViewThatMovesWithTheClock() {
    TestClock clock = TestClock.at(START);
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofHours(1));
    assertThat(paris.instant()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(clock.withZone(clock.getZone())).isSameAs(clock);
  }
}
