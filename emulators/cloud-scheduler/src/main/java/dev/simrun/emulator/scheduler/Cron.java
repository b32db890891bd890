package dev.simrun.emulator.scheduler;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A unix-cron schedule, as Cloud Scheduler reads one: five fields (minute, hour, day of month,
 * month, day of week), each {@code *}, a value, a range {@code a-b}, a step {@code * /n}, {@code
 * a-b/n} or {@code a/n} (from a to the end), or a comma list of those; months {@code JAN}-{@code
 * DEC} and weekdays {@code SUN}-{@code SAT} by name, weekday 0 and 7 both Sunday. When both day
 * fields are restricted (neither starts with {@code *}) a day matches either one, as cron does;
 * otherwise it must match both.
 *
 * <p>Fire times are local times in the job's zone. Across a daylight-saving change:
 *
 * <ul>
 *   <li>a local time the change skips (02:30 when clocks jump from 02:00 to 03:00) fires once, the
 *       gap's length later (03:30): the job is not lost;
 *   <li>a local time that happens twice (01:30 when clocks fall back from 02:00 to 01:00) fires
 *       once, at its first occurrence: the job does not run twice.
 * </ul>
 */
final class Cron {
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** Long enough to find the next 29 February of a leap-day schedule (2096 to 2104). */
  private static final int SEARCH_YEARS = 9;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;

  private Cron(String text, String[] f) {
    this.text = text;
    this.minutes = field("minute", f[0], 0, 59, List.of(), 0);
    this.hours = field("hour", f[1], 0, 23, List.of(), 0);
    this.daysOfMonth = field("day of month", f[2], 1, 31, List.of(), 0);
    this.months = field("month", f[3], 1, 12, MONTHS, 1);
    BitSet dow = field("day of week", f[4], 0, 7, DAYS, 0);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    this.daysOfWeek = dow;
    this.dayOfMonthStar = f[2].startsWith("*");
    this.dayOfWeekStar = f[4].startsWith("*");
  }

  /**
   * Parses a schedule.
   *
   * @throws IllegalArgumentException with a message fit for an INVALID_ARGUMENT answer
   */
  static Cron parse(String schedule) {
    String[] fields = schedule.trim().split("\\s+");
    if (schedule.isBlank() || fields.length != 5) {
      throw new IllegalArgumentException(
          "Schedule '" + schedule + "' is not in unix-cron format (five fields)");
    }
    return new Cron(schedule, fields);
  }

  @Override
  public String toString() {
    return text;
  }

  /** The first fire time strictly after {@code after}, in {@code zone}; empty if none in years. */
  Optional<Instant> next(Instant after, ZoneId zone) {
    LocalDateTime t =
        after.atZone(zone).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime end = t.plusYears(SEARCH_YEARS);
    while (t.isBefore(end)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        // ofLocal: a skipped local time moves forward by the gap, a repeated one takes its first
        // (earlier) offset. A repeated time already past is not fired again.
        Instant fire = ZonedDateTime.ofLocal(t, zone, null).toInstant();
        if (fire.isAfter(after)) {
          return Optional.of(fire);
        }
        t = t.plusMinutes(1);
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(weekday(t.getDayOfWeek()));
    if (!dayOfMonthStar && !dayOfWeekStar) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static int weekday(DayOfWeek d) {
    return d.getValue() % 7; // Sunday = 0
  }

  private static BitSet field(
      String name, String spec, int min, int max, List<String> names, int firstName) {
    BitSet set = new BitSet(max + 1);
    for (String part : spec.split(",", -1)) {
      if (part.isEmpty()) {
        throw invalid(name, spec);
      }
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, spec, part.substring(slash + 1), List.of(), 0);
        if (step < 1) {
          throw invalid(name, spec);
        }
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else {
        int dash = range.indexOf('-');
        if (dash > 0) {
          from = number(name, spec, range.substring(0, dash), names, firstName);
          to = number(name, spec, range.substring(dash + 1), names, firstName);
        } else {
          from = number(name, spec, range, names, firstName);
          to = slash >= 0 ? max : from;
        }
      }
      if (from < min || to > max || from > to) {
        throw invalid(name, spec);
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(
      String name, String spec, String token, List<String> names, int firstName) {
    int index = names.indexOf(token.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return index + firstName;
    }
    if (token.isEmpty() || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(name, spec);
    }
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw invalid(name, spec);
    }
  }

  private static IllegalArgumentException invalid(String name, String spec) {
    return new IllegalArgumentException("Invalid " + name + " field '" + spec + "' in schedule");
  }
}
