package dev.simrun.kinds.climate;

import static dev.simrun.kinds.climate.ClimateRiskKind.ASSET_TYPE_PATTERN;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_PATHS;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_SITES;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_THRESHOLDS;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_UNITS;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_WORK;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_YEAR;
import static dev.simrun.kinds.climate.ClimateRiskKind.MAX_YEARS;
import static dev.simrun.kinds.climate.ClimateRiskKind.MIN_YEAR;
import static dev.simrun.kinds.climate.ClimateRiskKind.SITE_ID_PATTERN;

import dev.simrun.kinds.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Checks {@link ClimateParams}: every problem is reported, each with its field's path, and every
 * size the caller controls has a limit (the constants of {@link ClimateRiskKind}).
 */
final class ClimateValidation {
  private static final Pattern SITE_ID = Pattern.compile(SITE_ID_PATTERN);
  private static final Pattern ASSET_TYPE = Pattern.compile(ASSET_TYPE_PATTERN);

  private ClimateValidation() {}

  static List<FieldError> errors(ClimateParams p) {
    List<FieldError> errors = new ArrayList<>();
    BiConsumer<String, String> error = (f, m) -> errors.add(new FieldError(f, m));
    if (p == null) {
      error.accept(FieldError.PARAMS, "required");
      return errors;
    }
    ClimateParams.Tables tables = p.tables();
    int before = errors.size();
    if (tables != null) {
      TableValidation.check(tables.hazards(), tables.vulnerability(), "tables", error);
    }
    boolean tablesOk = errors.size() == before;

    Set<String> assetTypes = new HashSet<>();
    for (ClimateParams.CurveRow row : ShippedTables.get().vulnerability()) {
      assetTypes.add(row.assetType());
    }
    if (tablesOk && tables != null && tables.vulnerability() != null) {
      for (ClimateParams.CurveRow row : tables.vulnerability()) {
        assetTypes.add(row.assetType());
      }
    }
    int sites = sites(p.sites(), assetTypes, error);
    int scenarios = names(p.scenarios(), Scenarios.IDS, "scenarios", true, error);
    int years = years(p.years(), error);
    int hazards =
        p.hazards() == null
            ? Hazards.IDS.size()
            : names(p.hazards(), Hazards.IDS, "hazards", true, error);
    Integer paths = p.paths();
    if (paths == null || paths < 1 || paths > MAX_PATHS) {
      error.accept(
          "paths",
          (paths == null ? "required" : "must be in 1.." + MAX_PATHS + ", got " + paths)
              + ": Monte Carlo paths per unit, 1.."
              + MAX_PATHS);
      paths = null;
    }
    thresholds(p.lossThresholds(), error);

    if (tablesOk && sites > 0 && hazards > 0) {
      curvesCover(p, error);
    }
    if (sites > 0 && scenarios > 0 && years > 0 && hazards > 0 && paths != null) {
      long units = (long) sites * scenarios * years;
      if (units > MAX_UNITS) {
        error.accept(
            FieldError.PARAMS,
            "sites × scenarios × years = " + units + " units; at most " + MAX_UNITS);
      } else if (units * hazards * paths > MAX_WORK) {
        error.accept(
            FieldError.PARAMS,
            String.format(
                java.util.Locale.ROOT,
                "units × hazards × paths = %,d hazard-path-years; at most %,d",
                units * hazards * paths,
                MAX_WORK));
      }
    }
    return errors;
  }

  private static int sites(
      List<ClimateParams.Site> sites, Set<String> assetTypes, BiConsumer<String, String> error) {
    if (sites == null || sites.isEmpty() || sites.size() > MAX_SITES) {
      error.accept(
          "sites",
          (sites == null ? "required" : "has " + sites.size() + " sites")
              + ": 1.."
              + MAX_SITES
              + " sites, e.g. [{\"id\": \"plant-1\", \"latitude\": 45.4, \"longitude\": 9.2,"
              + " \"assetValue\": 2.5e8, \"assetType\": \"industrial\"}]");
      return 0;
    }
    Set<String> ids = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < sites.size(); i++) {
      String at = "sites[" + i + "]";
      ClimateParams.Site site = sites.get(i);
      if (site == null) {
        error.accept(at, "required");
        ok = false;
        continue;
      }
      if (site.id() == null || !SITE_ID.matcher(site.id()).matches()) {
        error.accept(at + ".id", "required: " + SITE_ID_PATTERN);
        ok = false;
      } else if (!ids.add(site.id())) {
        error.accept(at + ".id", "repeats the site " + site.id());
        ok = false;
      }
      ok &= TableValidation.range(site.latitude(), -90, 90, false, at + ".latitude", "°", error);
      ok &=
          TableValidation.range(site.longitude(), -180, 180, false, at + ".longitude", "°", error);
      ok &= TableValidation.range(site.assetValue(), 0, 1e15, true, at + ".assetValue", "", error);
      if (site.assetType() == null || !ASSET_TYPE.matcher(site.assetType()).matches()) {
        error.accept(at + ".assetType", "required; one of " + new java.util.TreeSet<>(assetTypes));
        ok = false;
      } else if (!assetTypes.contains(site.assetType())) {
        error.accept(
            at + ".assetType",
            "unknown: "
                + site.assetType()
                + "; one of "
                + new java.util.TreeSet<>(assetTypes)
                + " or a type given in tables.vulnerability");
        ok = false;
      }
    }
    return ok ? sites.size() : 0;
  }

  private static int names(
      List<String> given,
      List<String> allowed,
      String at,
      boolean distinct,
      BiConsumer<String, String> error) {
    if (given == null || given.isEmpty() || given.size() > allowed.size()) {
      error.accept(
          at,
          (given == null ? "required" : "has " + given.size())
              + ": 1.."
              + allowed.size()
              + " of "
              + allowed);
      return 0;
    }
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < given.size(); i++) {
      String name = given.get(i);
      if (!TableValidation.oneOf(name, allowed, at + "[" + i + "]", error)) {
        ok = false;
      } else if (distinct && !seen.add(name)) {
        error.accept(at + "[" + i + "]", "repeats " + name);
        ok = false;
      }
    }
    return ok ? given.size() : 0;
  }

  private static int years(ClimateParams.Years y, BiConsumer<String, String> error) {
    String range = MIN_YEAR + ".." + MAX_YEAR;
    if (y == null) {
      error.accept(
          "years",
          "required: {\"from\": 2025, \"to\": 2100, \"step\": 5} or {\"values\": [2030, 2050]}");
      return 0;
    }
    boolean list = y.values() != null;
    boolean span = y.from() != null || y.to() != null || y.step() != null;
    if (list == span) {
      error.accept("years", "give either values or from, to (and step)");
      return 0;
    }
    if (list) {
      List<Integer> v = y.values();
      if (v.isEmpty() || v.size() > MAX_YEARS) {
        error.accept("years.values", "has " + v.size() + " years; 1.." + MAX_YEARS);
        return 0;
      }
      for (int i = 0; i < v.size(); i++) {
        Integer year = v.get(i);
        if (year == null || year < MIN_YEAR || year > MAX_YEAR) {
          error.accept("years.values[" + i + "]", "must be a year in " + range + ", got " + year);
          return 0;
        }
        if (i > 0 && year <= v.get(i - 1)) {
          error.accept(
              "years.values[" + i + "]", "must be after the one before (" + v.get(i - 1) + ")");
          return 0;
        }
      }
      return v.size();
    }
    boolean ok = true;
    if (y.from() == null || y.from() < MIN_YEAR || y.from() > MAX_YEAR) {
      error.accept(
          "years.from",
          "required: a year in " + range + (y.from() == null ? "" : ", got " + y.from()));
      ok = false;
    }
    if (y.to() == null || y.to() < MIN_YEAR || y.to() > MAX_YEAR) {
      error.accept(
          "years.to", "required: a year in " + range + (y.to() == null ? "" : ", got " + y.to()));
      ok = false;
    }
    if (y.step() != null && (y.step() < 1 || y.step() > MAX_YEAR - MIN_YEAR)) {
      error.accept("years.step", "must be in 1.." + (MAX_YEAR - MIN_YEAR) + ", got " + y.step());
      ok = false;
    }
    if (!ok) {
      return 0;
    }
    if (y.to() < y.from()) {
      error.accept("years.to", "must not be before from (" + y.from() + ")");
      return 0;
    }
    int count = (y.to() - y.from()) / (y.step() == null ? 1 : y.step()) + 1;
    if (count > MAX_YEARS) {
      error.accept("years", "gives " + count + " years; at most " + MAX_YEARS);
      return 0;
    }
    return count;
  }

  private static void thresholds(List<Double> t, BiConsumer<String, String> error) {
    if (t == null) {
      return;
    }
    if (t.size() > MAX_THRESHOLDS) {
      error.accept("lossThresholds", "has " + t.size() + " values; at most " + MAX_THRESHOLDS);
      return;
    }
    for (int i = 0; i < t.size(); i++) {
      if (!TableValidation.range(
          t.get(i),
          0,
          100,
          true,
          "lossThresholds[" + i + "]",
          "(a ratio of the asset value)",
          error)) {
        return;
      }
      if (i > 0 && !(t.get(i) > t.get(i - 1))) {
        error.accept("lossThresholds[" + i + "]", "must be above the one before");
        return;
      }
    }
  }

  /** Every site's asset type has a curve for every hazard asked for. */
  private static void curvesCover(ClimateParams p, BiConsumer<String, String> error) {
    Set<String> curves = new HashSet<>();
    for (ClimateParams.CurveRow row : ShippedTables.get().vulnerability()) {
      curves.add(row.assetType() + "/" + row.hazard());
    }
    if (p.tables() != null && p.tables().vulnerability() != null) {
      for (ClimateParams.CurveRow row : p.tables().vulnerability()) {
        curves.add(row.assetType() + "/" + row.hazard());
      }
    }
    List<String> hazards = p.hazards() == null ? Hazards.IDS : p.hazards();
    for (int i = 0; i < p.sites().size(); i++) {
      String type = p.sites().get(i).assetType();
      for (String hazard : hazards) {
        if (!curves.contains(type + "/" + hazard)) {
          error.accept(
              "sites[" + i + "].assetType",
              type
                  + " has no vulnerability curve for "
                  + hazard
                  + "; add one in tables.vulnerability");
          break;
        }
      }
    }
  }
}
