package dev.simrun.shared.datasets;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.FieldError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks an OHLCV CSV upload: a header {@code timestamp,open,high,low,close,volume} (any
 * case, in that order; {@code volume} may be left out), then one bar per line. Timestamps are
 * ISO-8601 dates ({@code 2024-01-02}, midnight UTC), date-times with an offset or {@code Z}, or
 * without one (read as UTC), or whole epoch seconds; they must strictly increase. Prices are finite
 * and positive, volume finite and not negative, and each bar consistent: {@code low <= open, close
 * <= high}. Every problem names its line (1 is the header); at most {@link #MAX_ERRORS} are listed.
 */
public final class OhlcvCsv {
  public static final int MAX_ROWS = 2_000_000;
  public static final int MAX_LINE = 1_000;
  public static final int MAX_ERRORS = 20;
  static final List<String> COLUMNS =
      List.of("timestamp", "open", "high", "low", "close", "volume");

  private OhlcvCsv() {}

  /** The bars, or every problem found. */
  public sealed interface Parsed {}

  public record Ok(Bars bars) implements Parsed {}

  public record Invalid(List<FieldError> errors) implements Parsed {}

  public static Parsed parse(InputStream csv) {
    return parse(csv, MAX_ROWS);
  }

  /** Like {@link #parse(InputStream)}, with at most {@code maxRows} bars. */
  public static Parsed parse(InputStream csv, int maxRows) {
    if (maxRows < 1 || maxRows > MAX_ROWS) {
      throw new IllegalArgumentException("maxRows must be in 1.." + MAX_ROWS + ", got " + maxRows);
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<FieldError> errors = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(csv, decoder), 1 << 16)) {
      String header = in.readLine();
      if (header == null || header.isBlank()) {
        return invalid(
            "line 1", "the file is empty; a header " + String.join(",", COLUMNS) + " is required");
      }
      if (header.length() > MAX_LINE) {
        // Not quoted back: a refusal is no bigger than the limit it names.
        return invalid("line 1", "longer than " + MAX_LINE + " characters");
      }
      int columns = header(stripBom(header), errors);
      if (columns < 0) {
        return new Invalid(errors);
      }
      Columns c = new Columns();
      int lineNo = 1;
      long previous = Long.MIN_VALUE;
      String line;
      while ((line = in.readLine()) != null && errors.size() < MAX_ERRORS) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        if (c.size == maxRows) {
          errors.add(new FieldError("line " + lineNo, "more than " + maxRows + " bars"));
          break;
        }
        if (line.length() > MAX_LINE) {
          errors.add(new FieldError("line " + lineNo, "longer than " + MAX_LINE + " characters"));
          continue;
        }
        Long time = row(line, lineNo, columns, previous, c, errors);
        if (time != null) {
          previous = time;
        }
      }
      if (errors.isEmpty() && c.size == 0) {
        return invalid("line 2", "no bars after the header");
      }
      return errors.isEmpty() ? new Ok(c.bars()) : new Invalid(List.copyOf(errors));
    } catch (CharacterCodingException e) {
      return invalid("body", "is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Invalid invalid(String where, String message) {
    return new Invalid(List.of(new FieldError(where, message)));
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Returns the number of columns (5 or 6), or -1 with the problem added. */
  private static int header(String header, List<FieldError> errors) {
    String[] names = header.split(",", -1);
    List<String> got = Arrays.stream(names).map(n -> n.strip().toLowerCase(Locale.ROOT)).toList();
    if (got.equals(COLUMNS) || got.equals(COLUMNS.subList(0, 5))) {
      return got.size();
    }
    errors.add(
        new FieldError(
            "line 1",
            "the header must be "
                + String.join(",", COLUMNS)
                + " (volume optional), got "
                + String.join(",", got)));
    return -1;
  }

  /** Adds the row's bar and returns its time, or adds its problems and returns null. */
  private static Long row(
      String line, int lineNo, int columns, long previous, Columns c, List<FieldError> errors) {
    String where = "line " + lineNo;
    String[] cells = line.split(",", -1);
    if (cells.length != columns) {
      errors.add(new FieldError(where, "has " + cells.length + " fields, expected " + columns));
      return null;
    }
    Long time = time(cells[0].strip());
    if (time == null) {
      errors.add(
          new FieldError(
              where,
              "timestamp '"
                  + cells[0].strip()
                  + "' is not an ISO-8601 date or date-time, nor epoch seconds"));
      return null;
    }
    if (time <= previous) {
      errors.add(
          new FieldError(
              where,
              "timestamp "
                  + Instant.ofEpochSecond(time)
                  + " is not after the previous bar's "
                  + Instant.ofEpochSecond(previous)));
      return null;
    }
    double[] v = new double[5];
    for (int i = 1; i < columns; i++) {
      String cell = cells[i].strip();
      double x;
      try {
        x = Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        errors.add(new FieldError(where, COLUMNS.get(i) + " '" + cell + "' is not a number"));
        return null;
      }
      boolean price = i < 5;
      if (!Double.isFinite(x) || (price ? x <= 0 : x < 0)) {
        errors.add(
            new FieldError(
                where,
                COLUMNS.get(i)
                    + " "
                    + cell
                    + (price ? " must be a finite positive price" : " must be finite and >= 0")));
        return null;
      }
      v[i - 1] = x;
    }
    double open = v[0];
    double high = v[1];
    double low = v[2];
    double close = v[3];
    if (low > high || open > high || close > high || open < low || close < low) {
      errors.add(
          new FieldError(
              where,
              "inconsistent bar: low "
                  + low
                  + " <= open "
                  + open
                  + ", close "
                  + close
                  + " <= high "
                  + high
                  + " does not hold"));
      return null;
    }
    c.add(time, open, high, low, close, columns == 6 ? v[4] : 0);
    return time;
  }

  /** Epoch seconds, or null when the text is no timestamp this reader knows. */
  static Long time(String text) {
    if (text.isEmpty()) {
      return null;
    }
    if (text.chars().allMatch(ch -> ch >= '0' && ch <= '9') && text.length() <= 12) {
      return Long.parseLong(text);
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      }
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return OffsetDateTime.parse(text).toEpochSecond();
      }
      return LocalDateTime.parse(text).toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Growing columns. */
  private static final class Columns {
    long[] time = new long[1024];
    double[] open = new double[1024];
    double[] high = new double[1024];
    double[] low = new double[1024];
    double[] close = new double[1024];
    double[] volume = new double[1024];
    int size;

    void add(long t, double o, double h, double l, double c, double v) {
      if (size == time.length) {
        int n = size * 2;
        time = Arrays.copyOf(time, n);
        open = Arrays.copyOf(open, n);
        high = Arrays.copyOf(high, n);
        low = Arrays.copyOf(low, n);
        close = Arrays.copyOf(close, n);
        volume = Arrays.copyOf(volume, n);
      }
      time[size] = t;
      open[size] = o;
      high[size] = h;
      low[size] = l;
      close[size] = c;
      volume[size] = v;
      size++;
    }

    Bars bars() {
      return new Bars(
          Arrays.copyOf(time, size),
          Arrays.copyOf(open, size),
          Arrays.copyOf(high, size),
          Arrays.copyOf(low, size),
          Arrays.copyOf(close, size),
          Arrays.copyOf(volume, size));
    }
  }
}
