package dev.simrun.kinds.climate;

import static dev.simrun.kinds.climate.ClimateFixtures.oneHazard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.UnitRange;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Chunking invariance, non-negativity and monotonicity, for many parameters. */
class ClimatePropertyTest {
  private final ClimateRiskKind kind = new ClimateRiskKind();

  @Property(tries = 25)
  void anyChunkingGivesTheSameResult(
      @ForAll @IntRange(min = 1, max = 18) int unitsPerChunk, @ForAll long seed) {
    ClimateParams params = ClimateFixtures.portfolio(300, seed);
    ClimateResult whole = InMemoryRun.run(kind, params, 18);
    assertThat(InMemoryRun.run(kind, params, unitsPerChunk)).isEqualTo(whole);
  }

  @Property(tries = 25)
  void lossesAreNeverNegativeAndTheTailIsOrdered(@ForAll long seed) {
    ClimateResult result = InMemoryRun.run(kind, ClimateFixtures.portfolio(500, seed), 18);
    for (ClimateUnitResult u : result.unitResults()) {
      assertThat(u.aal()).isGreaterThanOrEqualTo(0);
      assertThat(u.var95()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(u.var99());
      assertThat(u.es95()).isGreaterThanOrEqualTo(u.var95()).isLessThanOrEqualTo(u.es99());
      assertThat(u.es99()).isGreaterThanOrEqualTo(u.var99());
      assertThat(u.es95()).isGreaterThanOrEqualTo(u.aal() * (1 - 1e-12));
      double previous = 1;
      for (double p : u.exceedance()) {
        assertThat(p).isBetween(0.0, previous);
        previous = p;
      }
      for (ClimateUnitResult.HazardResult h : u.hazards()) {
        assertThat(h.aal()).isGreaterThanOrEqualTo(0);
        if (h.vulnerability() != null) {
          assertThat(h.vulnerability()).isBetween(0.0, 1.0);
        }
      }
    }
  }

  /** Every path's draws are the same, so more frequency can only add events, and so loss. */
  @Property(tries = 30)
  void moreFrequencyNeverLowersAnyStatistic(
      @ForAll @DoubleRange(min = 0.01, max = 5) double frequency,
      @ForAll @DoubleRange(min = 1.0, max = 3) double factor,
      @ForAll @DoubleRange(min = 0.05, max = 2) double median,
      @ForAll @DoubleRange(min = 0, max = 1.5) double sigma,
      @ForAll long seed) {
    List<Double> thresholds = List.of(0.1, 0.5, 1.0);
    ClimateUnitResult low = unit(oneHazard(frequency, median, sigma, 2000, seed, thresholds));
    ClimateUnitResult high =
        unit(oneHazard(Math.min(50, frequency * factor), median, sigma, 2000, seed, thresholds));
    atLeast(high, low);
  }

  /** Every event's uniform is the same, so a larger median gives each event at least its damage. */
  @Property(tries = 30)
  void moreIntensityNeverLowersAnyStatistic(
      @ForAll @DoubleRange(min = 0.01, max = 5) double frequency,
      @ForAll @DoubleRange(min = 0.05, max = 2) double median,
      @ForAll @DoubleRange(min = 1.0, max = 3) double factor,
      @ForAll @DoubleRange(min = 0, max = 1.5) double sigma,
      @ForAll long seed) {
    List<Double> thresholds = List.of(0.1, 0.5, 1.0);
    ClimateUnitResult low = unit(oneHazard(frequency, median, sigma, 2000, seed, thresholds));
    ClimateUnitResult high =
        unit(oneHazard(frequency, median * factor, sigma, 2000, seed, thresholds));
    atLeast(high, low);
  }

  private ClimateUnitResult unit(ClimateParams params) {
    assertThat(kind.validate(params)).isEmpty();
    return kind.runChunk(params, new UnitRange(0, 1), ChunkContext.NONE).units().getFirst();
  }

  private static void atLeast(ClimateUnitResult high, ClimateUnitResult low) {
    double slack = 1 + 1e-12;
    assertThat(high.aal() * slack).isGreaterThanOrEqualTo(low.aal());
    assertThat(high.var95() * slack).isGreaterThanOrEqualTo(low.var95());
    assertThat(high.var99() * slack).isGreaterThanOrEqualTo(low.var99());
    assertThat(high.es95() * slack).isGreaterThanOrEqualTo(low.es95());
    assertThat(high.es99() * slack).isGreaterThanOrEqualTo(low.es99());
    for (int i = 0; i < low.exceedance().size(); i++) {
      assertThat(high.exceedance().get(i)).isGreaterThanOrEqualTo(low.exceedance().get(i));
    }
    assertThat(high.hazards().getFirst().events())
        .isGreaterThanOrEqualTo(low.hazards().getFirst().events());
  }
}
