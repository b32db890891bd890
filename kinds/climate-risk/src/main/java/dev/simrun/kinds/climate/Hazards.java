package dev.simrun.kinds.climate;

import java.util.List;

/** The hazards the model knows, in the order results list them. */
final class Hazards {
  static final List<String> IDS =
      List.of(
          "flood",
          "extreme-heat",
          "drought",
          "wildfire",
          "tropical-cyclone",
          "sea-level-rise",
          "landslide",
          "cold-wave",
          "water-stress");

  private Hazards() {}
}
