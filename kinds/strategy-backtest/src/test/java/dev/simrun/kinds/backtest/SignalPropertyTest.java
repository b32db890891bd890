package dev.simrun.kinds.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A crossover read from its averages against the positions {@link Strategy#signals} writes. */
class SignalPropertyTest {

  @Property(tries = 300)
  void aCrossoverReadsAsItsWrittenPositions(
      @ForAll @Size(min = 3, max = 120) double[] steps,
      @ForAll @IntRange(min = 1, max = 10) int fast,
      @ForAll @IntRange(min = 1, max = 30) int extra,
      @ForAll boolean longShort,
      @ForAll boolean ema,
      @ForAll @DoubleRange(min = 0, max = 1) double flatShare) {
    int n = steps.length;
    int slow = Math.min(n - 1, fast + extra);
    if (fast >= slow) {
      return;
    }
    double[] close = new double[n];
    double p = 100;
    for (int i = 0; i < n; i++) {
      // Some stretches of equal closes, where the averages can tie.
      double step =
          Math.abs(steps[i]) % 1 < flatShare ? 0 : Math.max(-0.05, Math.min(0.05, steps[i]));
      p *= Math.exp(step);
      close[i] = p;
    }
    Ohlc bars = new Ohlc(close, close, close, close);
    Strategy strategy = ema ? Strategy.EMA_CROSSOVER : Strategy.SMA_CROSSOVER;
    double[] point = {fast, slow};
    byte[] written = new byte[n];
    strategy.signals(new IndicatorCache(bars, Long.MAX_VALUE), point, longShort, written);
    Signal read =
        strategy.signal(new IndicatorCache(bars, Long.MAX_VALUE), point, longShort, () -> null);
    Signal expected = Signal.of(written);
    int t0 = slow - 1;
    for (int t = t0; t < n - 1; t++) {
      assertThat(read.at(t)).as("position after bar %d", t).isEqualTo(written[t]);
      for (int position = -1; position <= 1; position++) {
        assertThat(read.firstChange(t, n - 1, position))
            .as("first change from %d after %d", t, position)
            .isEqualTo(expected.firstChange(t, n - 1, position));
      }
    }
  }
}
