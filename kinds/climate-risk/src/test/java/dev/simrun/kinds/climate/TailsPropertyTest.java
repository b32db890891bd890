package dev.simrun.kinds.climate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The fast tail statistics against their definition on a sorted copy. */
class TailsPropertyTest {

  @Property(tries = 200)
  void theFastTailIsTheSortedDefinition(
      @ForAll @IntRange(min = 1, max = 20_000) int n,
      @ForAll @DoubleRange(min = 0, max = 1) double zeros,
      @ForAll @IntRange(min = 0, max = 5) int distinct,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] losses = new double[n];
    for (int i = 0; i < n; i++) {
      // Many zeros, a few repeated values, or a continuum, as a unit's totals can be.
      losses[i] =
          random.nextDouble() < zeros
              ? 0
              : distinct > 0 ? 100.0 * (1 + random.nextInt(distinct)) : random.nextDouble() * 1e6;
    }
    double[] before = losses.clone();
    Tail[] fast = new Tails().of(losses, 0.95, 0.99);
    assertThat(losses).isEqualTo(before);
    double[] sorted = before.clone();
    Arrays.sort(sorted);
    double[] levels = {0.95, 0.99};
    for (int l = 0; l < 2; l++) {
      int k = Tails.index(levels[l], n);
      double sum = 0;
      for (int i = k; i < n; i++) {
        sum += sorted[i];
      }
      assertThat(fast[l].valueAtRisk()).isEqualTo(sorted[k]);
      assertThat(fast[l].expectedShortfall())
          .isCloseTo(sum / (n - k), within(1e-9 * Math.max(1, sum / (n - k))));
    }
  }
}
