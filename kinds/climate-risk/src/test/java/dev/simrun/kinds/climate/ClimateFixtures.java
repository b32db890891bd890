package dev.simrun.kinds.climate;

import java.util.List;

/** Test-data builders for climate-risk parameters. */
final class ClimateFixtures {
  private ClimateFixtures() {}

  static ClimateParams.Site site(String id, double latitude, double value, String type) {
    return new ClimateParams.Site(id, latitude, 10.0, value, type);
  }

  static ClimateParams params(
      List<ClimateParams.Site> sites,
      List<String> scenarios,
      List<Integer> years,
      List<String> hazards,
      int paths,
      long seed) {
    return new ClimateParams(
        sites,
        scenarios,
        new ClimateParams.Years(years, null, null, null),
        hazards,
        paths,
        seed,
        null,
        null);
  }

  /** Three sites in three bands, two scenarios, three years, every hazard. */
  static ClimateParams portfolio(int paths, long seed) {
    return params(
        List.of(
            site("harbour", 12.0, 5e7, "commercial"),
            site("plant", 45.0, 2e8, "industrial"),
            site("farm", 60.0, 1e7, "agriculture")),
        List.of("SSP1-2.6", "SSP5-8.5"),
        List.of(2030, 2050, 2090),
        null,
        paths,
        seed);
  }

  /**
   * One site, one hazard (flood, temperate band), with the caller's hazard row and curve: {@code
   * frequency} events a year, intensity lognormal(median, sigma), no change with warming; damage
   * equal to the intensity up to 1 (a piecewise curve (0,0)-(1,1)).
   */
  static ClimateParams oneHazard(
      double frequency,
      double median,
      double sigma,
      int paths,
      long seed,
      List<Double> thresholds) {
    return new ClimateParams(
        List.of(site("s", 45.0, 1000.0, "test")),
        List.of("SSP2-4.5"),
        new ClimateParams.Years(List.of(2050), null, null, null),
        List.of("flood"),
        paths,
        seed,
        thresholds,
        new ClimateParams.Tables(
            List.of(
                new ClimateParams.HazardRow(
                    "flood", "temperate", frequency, 0.0, median, sigma, 0.0)),
            List.of(
                new ClimateParams.CurveRow(
                    "test",
                    "flood",
                    "piecewise",
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(0.0, 1.0),
                    List.of(0.0, 1.0)))));
  }
}
