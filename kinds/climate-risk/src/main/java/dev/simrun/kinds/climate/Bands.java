package dev.simrun.kinds.climate;

import java.util.List;

/**
 * Latitude bands, by the absolute latitude: tropical below 23.5°, subtropical below 35°, temperate
 * below 50°, subpolar below 66.5°, polar from there.
 */
final class Bands {
  static final List<String> IDS =
      List.of("tropical", "subtropical", "temperate", "subpolar", "polar");
  private static final double[] UPPER = {23.5, 35.0, 50.0, 66.5};

  private Bands() {}

  static int of(double latitude) {
    double a = Math.abs(latitude);
    for (int i = 0; i < UPPER.length; i++) {
      if (a < UPPER[i]) {
        return i;
      }
    }
    return UPPER.length;
  }
}
