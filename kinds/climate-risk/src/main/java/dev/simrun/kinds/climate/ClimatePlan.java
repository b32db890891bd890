package dev.simrun.kinds.climate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid parameters resolved for running: the sites, scenarios, years and hazards as arrays, the
 * hazard table and the vulnerability curves with the caller's rows over the shipped ones. Unit
 * {@code u = (site · scenarios + scenario) · years + year}, every index in the order given, so a
 * site's years of one scenario are consecutive units.
 */
final class ClimatePlan {
  final String[] sites;
  final double[] values;
  final int[] bands;
  final String[] assetTypes;
  final String[] scenarios;
  final int[] scenarioIndex;
  final int[] years;
  final String[] hazards;
  final int paths;
  final long seed;
  final double[] thresholds;

  /**
   * Per hazard (its index in {@link #hazards}) and band: frequency, per degree, median, σ, per
   * degree.
   */
  private final double[][][] table;

  /** Per asset type, the curve of each hazard (its index in {@link #hazards}). */
  private final Map<String, Curve[]> curves;

  private ClimatePlan(ClimateParams p) {
    int n = p.sites().size();
    sites = new String[n];
    values = new double[n];
    bands = new int[n];
    assetTypes = new String[n];
    for (int i = 0; i < n; i++) {
      ClimateParams.Site site = p.sites().get(i);
      sites[i] = site.id();
      values[i] = site.assetValue();
      bands[i] = Bands.of(site.latitude());
      assetTypes[i] = site.assetType();
    }
    scenarios = p.scenarios().toArray(String[]::new);
    scenarioIndex = new int[scenarios.length];
    for (int s = 0; s < scenarios.length; s++) {
      scenarioIndex[s] = Scenarios.IDS.indexOf(scenarios[s]);
    }
    years = years(p.years());
    hazards = (p.hazards() == null ? Hazards.IDS : p.hazards()).toArray(String[]::new);
    paths = p.paths();
    seed = p.seed() == null ? 0 : p.seed();
    List<Double> t =
        p.lossThresholds() == null ? ClimateRiskKind.DEFAULT_THRESHOLDS : p.lossThresholds();
    thresholds = t.stream().mapToDouble(Double::doubleValue).toArray();

    ShippedTables shipped = ShippedTables.get();
    Map<String, ClimateParams.HazardRow> rows = new HashMap<>();
    for (ClimateParams.HazardRow row : shipped.hazards()) {
      rows.put(row.hazard() + "/" + row.band(), row);
    }
    Map<String, ClimateParams.CurveRow> curveRows = new HashMap<>();
    for (ClimateParams.CurveRow row : shipped.vulnerability()) {
      curveRows.put(row.assetType() + "/" + row.hazard(), row);
    }
    if (p.tables() != null && p.tables().hazards() != null) {
      for (ClimateParams.HazardRow row : p.tables().hazards()) {
        rows.put(row.hazard() + "/" + row.band(), row);
      }
    }
    if (p.tables() != null && p.tables().vulnerability() != null) {
      for (ClimateParams.CurveRow row : p.tables().vulnerability()) {
        curveRows.put(row.assetType() + "/" + row.hazard(), row);
      }
    }
    table = new double[hazards.length][Bands.IDS.size()][];
    for (int h = 0; h < hazards.length; h++) {
      for (int b = 0; b < Bands.IDS.size(); b++) {
        ClimateParams.HazardRow row = rows.get(hazards[h] + "/" + Bands.IDS.get(b));
        table[h][b] =
            new double[] {
              row.frequency(),
              row.frequencyPerDegree(),
              row.intensityMedian(),
              row.intensitySigma(),
              row.intensityPerDegree()
            };
      }
    }
    curves = new HashMap<>();
    for (String type : assetTypes) {
      if (!curves.containsKey(type)) {
        Curve[] byHazard = new Curve[hazards.length];
        for (int h = 0; h < hazards.length; h++) {
          byHazard[h] = Curve.of(curveRows.get(type + "/" + hazards[h]));
        }
        curves.put(type, byHazard);
      }
    }
  }

  /** The plan of parameters that passed {@link ClimateValidation}. */
  static ClimatePlan of(ClimateParams params) {
    return new ClimatePlan(params);
  }

  static int[] years(ClimateParams.Years y) {
    if (y.values() != null) {
      return y.values().stream().mapToInt(Integer::intValue).toArray();
    }
    int step = y.step() == null ? 1 : y.step();
    int count = (y.to() - y.from()) / step + 1;
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = y.from() + i * step;
    }
    return out;
  }

  long units() {
    return (long) sites.length * scenarios.length * years.length;
  }

  int site(long unit) {
    return (int) (unit / ((long) scenarios.length * years.length));
  }

  int scenario(long unit) {
    return (int) ((unit / years.length) % scenarios.length);
  }

  int year(long unit) {
    return (int) (unit % years.length);
  }

  /**
   * The Poisson frequency and lognormal median and σ of hazard {@code h} at {@code site} in
   * scenario {@code s} and year index {@code y}: the table's values at the 2020 warming, changed
   * linearly per degree of warming above it, never below 0.
   */
  double[] hazard(int h, int site, int s, int y) {
    double[] row = table[h][bands[site]];
    double dt = Scenarios.warming(scenarioIndex[s], years[y]) - Scenarios.BASE_WARMING;
    double frequency = row[0] * Math.max(0, 1 + row[1] * dt);
    double median = row[2] * Math.max(0, 1 + row[4] * dt);
    return new double[] {frequency, median, row[3]};
  }

  Curve curve(int site, int h) {
    return curves.get(assetTypes[site])[h];
  }
}
