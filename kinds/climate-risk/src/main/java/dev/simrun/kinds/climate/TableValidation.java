package dev.simrun.kinds.climate;

import static dev.simrun.kinds.climate.ClimateRiskKind.ASSET_TYPE_PATTERN;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_CURVES;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_CURVE_POINTS;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_FREQUENCY;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Checks hazard and vulnerability rows, the caller's and the shipped ones alike, so a table a
 * caller gives can do nothing the shipped ones cannot: frequencies of at most {@value
 * ClimateRiskKind#MAX_FREQUENCY} events a year, curves that never decrease and stay in [0, 1].
 */
final class TableValidation {
  private static final Pattern ASSET_TYPE = Pattern.compile(ASSET_TYPE_PATTERN);

  private TableValidation() {}

  static void check(
      List<ClimateParams.HazardRow> hazards,
      List<ClimateParams.CurveRow> curves,
      String at,
      BiConsumer<String, String> error) {
    if (hazards != null) {
      int most = Hazards.IDS.size() * Bands.IDS.size();
      if (hazards.size() > most) {
        error.accept(at + ".hazards", "at most " + most + " rows (one per hazard and band)");
      } else {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < hazards.size(); i++) {
          hazardRow(hazards.get(i), at + ".hazards[" + i + "]", keys, error);
        }
      }
    }
    if (curves != null) {
      if (curves.size() > MAX_CURVES) {
        error.accept(at + ".vulnerability", "at most " + MAX_CURVES + " curves");
      } else {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < curves.size(); i++) {
          curve(curves.get(i), at + ".vulnerability[" + i + "]", keys, error);
        }
      }
    }
  }

  private static void hazardRow(
      ClimateParams.HazardRow row, String at, Set<String> keys, BiConsumer<String, String> error) {
    if (row == null) {
      error.accept(at, "required");
      return;
    }
    boolean known = oneOf(row.hazard(), Hazards.IDS, at + ".hazard", error);
    known &= oneOf(row.band(), Bands.IDS, at + ".band", error);
    if (known && !keys.add(row.hazard() + "/" + row.band())) {
      error.accept(at, "repeats the row of " + row.hazard() + " in band " + row.band());
    }
    range(row.frequency(), 0, MAX_FREQUENCY, false, at + ".frequency", "events per year", error);
    range(row.frequencyPerDegree(), -1, 5, false, at + ".frequencyPerDegree", "per °C", error);
    range(row.intensityMedian(), 0, 1e6, true, at + ".intensityMedian", "", error);
    range(row.intensitySigma(), 0, 3, false, at + ".intensitySigma", "", error);
    range(row.intensityPerDegree(), -1, 5, false, at + ".intensityPerDegree", "per °C", error);
  }

  private static void curve(
      ClimateParams.CurveRow row, String at, Set<String> keys, BiConsumer<String, String> error) {
    if (row == null) {
      error.accept(at, "required");
      return;
    }
    boolean known = true;
    if (row.assetType() == null || !ASSET_TYPE.matcher(row.assetType()).matches()) {
      error.accept(at + ".assetType", "required: " + ASSET_TYPE_PATTERN);
      known = false;
    }
    known &= oneOf(row.hazard(), Hazards.IDS, at + ".hazard", error);
    if (known && !keys.add(row.assetType() + "/" + row.hazard())) {
      error.accept(at, "repeats the curve of " + row.assetType() + " for " + row.hazard());
    }
    if (!oneOf(row.family(), Curve.FAMILIES, at + ".family", error)) {
      return;
    }
    switch (row.family()) {
      case Curve.LOGISTIC -> {
        range(row.cap(), 0, 1, true, at + ".cap", "", error);
        range(row.midpoint(), -1e6, 1e6, false, at + ".midpoint", "", error);
        range(row.steepness(), 0, 1e3, true, at + ".steepness", "", error);
      }
      case Curve.EMANUEL -> {
        range(row.cap(), 0, 1, true, at + ".cap", "", error);
        boolean threshold = range(row.threshold(), 0, 1e6, false, at + ".threshold", "", error);
        if (range(row.halfDamage(), 0, 1e6, true, at + ".halfDamage", "", error)
            && threshold
            && !(row.halfDamage() > row.threshold())) {
          error.accept(at + ".halfDamage", "must be above threshold (" + row.threshold() + ")");
        }
      }
      default -> points(row, at, error);
    }
  }

  private static void points(
      ClimateParams.CurveRow row, String at, BiConsumer<String, String> error) {
    List<Double> x = row.intensity();
    List<Double> y = row.damage();
    if (x == null || x.size() < 2 || x.size() > MAX_CURVE_POINTS) {
      error.accept(
          at + ".intensity", "required: 2.." + MAX_CURVE_POINTS + " ascending intensities");
      return;
    }
    if (y == null || y.size() != x.size()) {
      error.accept(at + ".damage", "required: one damage ratio per intensity (" + x.size() + ")");
      return;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!range(x.get(i), 0, 1e6, false, at + ".intensity[" + i + "]", "", error)) {
        return;
      }
      if (i > 0 && !(x.get(i) > x.get(i - 1))) {
        error.accept(at + ".intensity[" + i + "]", "must be above the one before");
        return;
      }
      if (!range(y.get(i), 0, 1, false, at + ".damage[" + i + "]", "", error)) {
        return;
      }
      if (i > 0 && y.get(i) < y.get(i - 1)) {
        error.accept(at + ".damage[" + i + "]", "must not be below the one before");
        return;
      }
    }
  }

  static boolean oneOf(
      String value, List<String> allowed, String at, BiConsumer<String, String> error) {
    if (value == null || !allowed.contains(value)) {
      error.accept(at, (value == null ? "required" : "unknown: " + value) + "; one of " + allowed);
      return false;
    }
    return true;
  }

  /** Whether {@code value} is a finite number in [min, max] (above min when {@code open}). */
  static boolean range(
      Double value,
      double min,
      double max,
      boolean open,
      String at,
      String unit,
      BiConsumer<String, String> error) {
    String bounds =
        (open ? "(" : "[") + min + ", " + max + "]" + (unit.isEmpty() ? "" : " " + unit);
    if (value == null) {
      error.accept(at, "required: a number in " + bounds);
      return false;
    }
    if (!Double.isFinite(value) || value > max || value < min || (open && value == min)) {
      error.accept(at, "must be in " + bounds + ", got " + value);
      return false;
    }
    return true;
  }
}
