package dev.simrun.kinds.climate;

import dev.simrun.kinds.ResultTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The final result from the chunks' units, its table for {@code result.csv} and its summary. */
final class ClimateReduce {

  private ClimateReduce() {}

  static ClimateResult reduce(ClimatePlan plan, List<ClimateChunkResult> chunks) {
    long units = plan.units();
    List<ClimateUnitResult> all = new ArrayList<>((int) units);
    for (ClimateChunkResult chunk : chunks) {
      for (ClimateUnitResult unit : chunk.units()) {
        if (unit.unit() != all.size()) {
          throw new IllegalArgumentException(
              "unit "
                  + unit.unit()
                  + " is out of order, repeated or beyond the "
                  + units
                  + " units");
        }
        all.add(unit);
      }
    }
    if (all.size() != units) {
      throw new IllegalArgumentException(
          "chunk results hold " + all.size() + " of the " + units + " units");
    }
    int sites = plan.sites.length;
    int scenarios = plan.scenarios.length;
    int years = plan.years.length;
    List<Integer> yearList = Arrays.stream(plan.years).boxed().toList();
    List<ClimateResult.SitePath> paths = new ArrayList<>(sites * scenarios);
    for (int site = 0; site < sites; site++) {
      for (int s = 0; s < scenarios; s++) {
        List<Double> aal = new ArrayList<>(years);
        for (int y = 0; y < years; y++) {
          aal.add(all.get(index(plan, site, s, y)).aal());
        }
        paths.add(new ClimateResult.SitePath(plan.sites[site], plan.scenarios[s], yearList, aal));
      }
    }
    List<ClimateResult.PortfolioYear> portfolio = new ArrayList<>(scenarios * years);
    Integer[] order = new Integer[sites];
    for (int s = 0; s < scenarios; s++) {
      for (int y = 0; y < years; y++) {
        double total = 0;
        double value = 0;
        double[] aal = new double[sites];
        for (int site = 0; site < sites; site++) {
          aal[site] = all.get(index(plan, site, s, y)).aal();
          total += aal[site];
          value += plan.values[site];
          order[site] = site;
        }
        Arrays.sort(
            order,
            (a, b) -> a.equals(b) ? 0 : aal[b] != aal[a] ? Double.compare(aal[b], aal[a]) : a - b);
        List<ClimateResult.TopSite> top = new ArrayList<>();
        for (int i = 0; i < Math.min(ClimateRiskKind.TOP_SITES, sites); i++) {
          top.add(new ClimateResult.TopSite(plan.sites[order[i]], aal[order[i]]));
        }
        portfolio.add(
            new ClimateResult.PortfolioYear(plan.scenarios[s], plan.years[y], total, value, top));
      }
    }
    return new ClimateResult(units, paths, portfolio, all);
  }

  private static int index(ClimatePlan plan, int site, int s, int y) {
    return (site * plan.scenarios.length + s) * plan.years.length + y;
  }

  /**
   * The columns of {@code result.csv} before one {@code pAbove<threshold>} column per threshold.
   */
  static final List<String> COLUMNS =
      List.of(
          "unit",
          "site",
          "scenario",
          "year",
          "hazard",
          "assetValue",
          "exposure",
          "frequency",
          "intensityMedian",
          "events",
          "vulnerability",
          "aal",
          "aalStdError",
          "var95",
          "var99",
          "es95",
          "es99");

  /**
   * One row per unit and hazard, then the unit's {@code total} row, which alone carries the tail
   * statistics and the exceedance probabilities of the total annual loss.
   */
  static ResultTable table(ClimatePlan plan, ClimateResult result) {
    List<String> columns = new ArrayList<>(COLUMNS);
    for (double t : plan.thresholds) {
      columns.add("pAbove" + String.format(Locale.ROOT, "%s", Double.toString(t)));
    }
    int extra = plan.thresholds.length;
    Stream<List<?>> rows =
        result.unitResults().stream()
            .flatMap(
                u -> {
                  List<List<?>> out = new ArrayList<>(u.hazards().size() + 1);
                  long events = 0;
                  for (ClimateUnitResult.HazardResult h : u.hazards()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    row.addAll(
                        Arrays.asList(
                            u.unit(),
                            u.site(),
                            u.scenario(),
                            u.year(),
                            h.hazard(),
                            u.assetValue(),
                            h.exposure(),
                            h.frequency(),
                            h.intensityMedian(),
                            h.events(),
                            h.vulnerability(),
                            h.aal(),
                            h.aalStdError(),
                            null,
                            null,
                            null,
                            null));
                    for (int i = 0; i < extra; i++) {
                      row.add(null);
                    }
                    out.add(row);
                    events += h.events();
                  }
                  List<Object> total = new ArrayList<>(columns.size());
                  total.addAll(
                      Arrays.asList(
                          u.unit(),
                          u.site(),
                          u.scenario(),
                          u.year(),
                          "total",
                          u.assetValue(),
                          null,
                          null,
                          null,
                          events,
                          null,
                          u.aal(),
                          u.aalStdError(),
                          u.var95(),
                          u.var99(),
                          u.es95(),
                          u.es99()));
                  total.addAll(u.exceedance());
                  out.add(total);
                  return out.stream();
                });
    return new ResultTable(columns, rows);
  }

  /** The units, and per scenario the portfolio's AAL in the first and the last year. */
  static Map<String, Object> summary(ClimateResult result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("units", result.units());
    Map<String, Object> byScenario = new LinkedHashMap<>();
    for (ClimateResult.PortfolioYear year : result.portfolio()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>)
              byScenario.computeIfAbsent(year.scenario(), k -> new LinkedHashMap<>());
      if (!s.containsKey("firstYear")) {
        s.put("firstYear", year.year());
        s.put("firstAal", year.totalAal());
      }
      s.put("lastYear", year.year());
      s.put("lastAal", year.totalAal());
    }
    summary.put("portfolioAal", byScenario);
    return summary;
  }
}
