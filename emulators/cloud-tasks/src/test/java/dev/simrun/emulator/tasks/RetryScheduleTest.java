package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void doublesThenGrowsLinearlyThenCapsAsDocumented() {
    RetrySchedule schedule =
        new RetrySchedule(100, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(300), 3);
    assertThat(IntStream.rangeClosed(1, 9).mapToObj(schedule::backoff).map(Duration::toSeconds))
        .containsExactly(10L, 20L, 40L, 80L, 160L, 240L, 300L, 300L, 300L);
  }

  @Test
  void defaultsStartAtAHundredMillisAndCapAtAnHour() {
    RetrySchedule schedule =
        new RetrySchedule(100, Duration.ZERO, Duration.ofMillis(100), Duration.ofHours(1), 16);
    assertThat(schedule.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(schedule.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(schedule.backoff(10)).isEqualTo(Duration.ofMillis(51_200));
    assertThat(schedule.backoff(17)).isEqualTo(Duration.ofHours(1));
    assertThat(schedule.backoff(10_000)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void withoutDoublingsTheIntervalGrowsLinearly() {
    RetrySchedule schedule =
        new RetrySchedule(100, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(12), 0);
    assertThat(IntStream.rangeClosed(1, 4).mapToObj(schedule::backoff).map(Duration::toSeconds))
        .containsExactly(5L, 10L, 12L, 12L);
  }

  @Test
  void stopsOnlyWhenBothLimitsAreReached() {
    RetrySchedule attemptsOnly =
        new RetrySchedule(3, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    assertThat(attemptsOnly.exhausted(2, T0, T0)).isFalse();
    assertThat(attemptsOnly.exhausted(3, T0, T0)).isTrue();

    RetrySchedule both =
        new RetrySchedule(
            3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    assertThat(both.exhausted(3, T0, T0.plusSeconds(599))).isFalse();
    assertThat(both.exhausted(50, T0, T0.plusSeconds(599))).isFalse();
    assertThat(both.exhausted(2, T0, T0.plusSeconds(600))).isFalse();
    assertThat(both.exhausted(3, T0, T0.plusSeconds(600))).isTrue();

    RetrySchedule unlimited =
        new RetrySchedule(-1, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    assertThat(unlimited.exhausted(1_000_000, T0, T0.plus(Duration.ofDays(30)))).isFalse();
  }
}
