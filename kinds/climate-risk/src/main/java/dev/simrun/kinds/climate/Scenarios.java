package dev.simrun.kinds.climate;

import java.util.List;

/**
 * The warming scenarios and the global warming each reaches by year ({@code warming.csv}): linear
 * between the table's anchor years, flat outside them.
 */
final class Scenarios {
  static final List<String> IDS = List.of("SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5");

  /** The warming the hazard table's frequencies and medians are given at (2011-2020), °C. */
  static final double BASE_WARMING = 1.1;

  private Scenarios() {}

  /** Warming in °C over 1850-1900 for scenario {@code s} (its index) in {@code year}. */
  static double warming(int s, int year) {
    int[] years = ShippedTables.get().warmingYears();
    double[] values = ShippedTables.get().warming()[s];
    if (year <= years[0]) {
      return values[0];
    }
    for (int i = 1; i < years.length; i++) {
      if (year <= years[i]) {
        double f = (double) (year - years[i - 1]) / (years[i] - years[i - 1]);
        return values[i - 1] + f * (values[i] - values[i - 1]);
      }
    }
    return values[values.length - 1];
  }
}
