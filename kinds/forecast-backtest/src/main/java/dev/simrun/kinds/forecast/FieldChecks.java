package dev.simrun.kinds.forecast;

import dev.simrun.kinds.FieldError;
import java.util.List;

/** A list of field errors being collected, and the range checks that add to it. */
abstract class FieldChecks {

  /** The errors found so far, in the order found. */
  final List<FieldError> errors;

  FieldChecks(List<FieldError> errors) {
    this.errors = errors;
  }

  void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  Integer intIn(String at, Integer value, int min, int max, String what) {
    String unit = what.isEmpty() ? "" : " " + what;
    if (value == null) {
      error(at, "required: " + min + ".." + max + unit);
      return null;
    }
    if (value < min || value > max) {
      error(at, "must be in " + min + ".." + max + unit + ", got " + value);
      return null;
    }
    return value;
  }

  void finiteIn(String at, Double value, double min, double max) {
    if (value != null && !(Double.isFinite(value) && value >= min && value <= max)) {
      error(at, "must be a finite number in " + min + ".." + max + ", got " + value);
    }
  }

  /** Like {@link #intIn} for a field that may be left out (null then, without an error). */
  Integer optionalIntIn(String at, Integer value, int min, int max, String what) {
    return value == null ? null : intIn(at, value, min, max, what);
  }

  static Integer orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 59) + "…";
  }
}
