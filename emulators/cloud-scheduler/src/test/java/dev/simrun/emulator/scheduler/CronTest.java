package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** unix-cron as Cloud Scheduler reads it: fields, names, the day rule, zones and DST. */
class CronTest {
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static List<Instant> fires(String schedule, ZoneId zone, String after, int n) {
    Cron cron = Cron.parse(schedule);
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < n; i++) {
      t = cron.next(t, zone).orElseThrow();
      out.add(t);
    }
    return out;
  }

  static List<Instant> instants(String... s) {
    return java.util.Arrays.stream(s).map(Instant::parse).toList();
  }

  @Test
  void everyMinuteFiresOnTheNextWholeMinute() {
    assertThat(fires("* * * * *", ZoneOffset.UTC, "2026-03-01T09:00:30.5Z", 2))
        .isEqualTo(instants("2026-03-01T09:01:00Z", "2026-03-01T09:02:00Z"));
    assertThat(fires("* * * * *", ZoneOffset.UTC, "2026-03-01T09:00:00Z", 1))
        .as("strictly after")
        .isEqualTo(instants("2026-03-01T09:01:00Z"));
  }

  @Test
  void listsRangesAndSteps() {
    assertThat(fires("0,30 9-10 * * *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 5))
        .isEqualTo(
            instants(
                "2026-03-01T09:00:00Z",
                "2026-03-01T09:30:00Z",
                "2026-03-01T10:00:00Z",
                "2026-03-01T10:30:00Z",
                "2026-03-02T09:00:00Z"));
    assertThat(fires("*/20 1 * * *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-03-01T01:00:00Z",
                "2026-03-01T01:20:00Z",
                "2026-03-01T01:40:00Z",
                "2026-03-02T01:00:00Z"));
    assertThat(fires("10-30/10 2 * * *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-03-01T02:10:00Z",
                "2026-03-01T02:20:00Z",
                "2026-03-01T02:30:00Z",
                "2026-03-02T02:10:00Z"));
    assertThat(fires("45/5 0 * * *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 4))
        .as("a/n runs from a to the end of the range")
        .isEqualTo(
            instants(
                "2026-03-01T00:45:00Z",
                "2026-03-01T00:50:00Z",
                "2026-03-01T00:55:00Z",
                "2026-03-02T00:45:00Z"));
  }

  @Test
  void monthAndWeekdayNamesAndSundayAsSeven() {
    // 2026-03-01 is a Sunday.
    assertThat(fires("0 9 * * MON-fri", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z"));
    assertThat(fires("0 9 * * 7", ZoneOffset.UTC, "2026-03-01T10:00:00Z", 1))
        .isEqualTo(instants("2026-03-08T09:00:00Z"));
    assertThat(fires("0 0 1 jun,DEC *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-06-01T00:00:00Z", "2026-12-01T00:00:00Z"));
  }

  @Test
  void bothDayFieldsRestrictedMeansEitherDay() {
    // The 15th, or any Friday (2026-03-06, 13, 15, 20).
    assertThat(fires("0 0 15 * FRI", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-03-06T00:00:00Z",
                "2026-03-13T00:00:00Z",
                "2026-03-15T00:00:00Z",
                "2026-03-20T00:00:00Z"));
    // A star-started day field restricts nothing on its own: Fridays only when day is */1.
    assertThat(fires("0 0 */1 * FRI", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z"));
  }

  @Test
  void leapDayAndShortMonths() {
    assertThat(fires("0 0 29 2 *", ZoneOffset.UTC, "2026-03-01T00:00:00Z", 1))
        .isEqualTo(instants("2028-02-29T00:00:00Z"));
    assertThat(fires("0 0 31 * *", ZoneOffset.UTC, "2026-04-01T00:00:00Z", 1))
        .isEqualTo(instants("2026-05-31T00:00:00Z"));
    assertThat(Cron.parse("0 0 31 4 *").next(Instant.EPOCH, ZoneOffset.UTC)).isEmpty();
  }

  @Test
  void firesOnLocalTimeInTheJobsZone() {
    // 09:00 in New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
    assertThat(fires("0 9 * * *", NEW_YORK, "2026-03-06T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-03-06T14:00:00Z",
                "2026-03-07T14:00:00Z",
                "2026-03-08T13:00:00Z",
                "2026-03-09T13:00:00Z"));
  }

  @Test
  void aLocalTimeTheClocksSkipFiresOnceAfterTheGap() {
    // 2026-03-08 02:00 EST clocks jump to 03:00 EDT: 02:30 does not exist that day.
    assertThat(fires("30 2 * * *", NEW_YORK, "2026-03-06T12:00:00Z", 3))
        .isEqualTo(
            instants(
                "2026-03-07T07:30:00Z", // 02:30 EST, the day before
                "2026-03-08T07:30:00Z", // 03:30 EDT: the gap's length later, once
                "2026-03-09T06:30:00Z")); // 02:30 EDT
  }

  @Test
  void aLocalTimeTheClocksRepeatFiresOnceAtItsFirstOccurrence() {
    // 2026-11-01 02:00 EDT clocks fall back to 01:00 EST: 01:30 happens twice.
    assertThat(fires("30 1 * * *", NEW_YORK, "2026-11-01T00:00:00Z", 2))
        .isEqualTo(
            instants(
                "2026-11-01T05:30:00Z", // 01:30 EDT, the first occurrence
                "2026-11-02T06:30:00Z")); // the next day, 01:30 EST; not 06:30Z on the 1st
    // Every 20 minutes through the repeated hour: each local time once.
    assertThat(fires("*/20 1-2 * * *", NEW_YORK, "2026-11-01T04:50:00Z", 7))
        .isEqualTo(
            instants(
                "2026-11-01T05:00:00Z", // 01:00 EDT
                "2026-11-01T05:20:00Z",
                "2026-11-01T05:40:00Z", // 01:40 EDT; then 01:00-01:59 EST repeat nothing
                "2026-11-01T07:00:00Z", // 02:00 EST
                "2026-11-01T07:20:00Z",
                "2026-11-01T07:40:00Z",
                "2026-11-02T06:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "* * * *",
        "* * * * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "* * * * 8",
        "5-1 * * * *",
        "*/0 * * * *",
        "a * * * *",
        "1,,2 * * * *",
        "* * * FOO *"
      })
  void refusesWhatIsNotUnixCron(String schedule) {
    assertThatThrownBy(() -> Cron.parse(schedule)).isInstanceOf(IllegalArgumentException.class);
  }
}
