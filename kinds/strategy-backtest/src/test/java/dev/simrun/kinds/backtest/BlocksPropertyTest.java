package dev.simrun.kinds.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** What is computed a block of bars at a time equals, bit for bit, the whole-series values. */
class BlocksPropertyTest {

  private static double[] prices(double[] steps) {
    double[] close = new double[steps.length];
    double p = 100;
    for (int i = 0; i < steps.length; i++) {
      double step = Double.isFinite(steps[i]) ? steps[i] : 0.0;
      p *= Math.exp(Math.max(-0.05, Math.min(0.05, step)));
      close[i] = p;
    }
    return close;
  }

  @Property(tries = 300)
  void aRollingSmaIsTheSma(
      @ForAll @Size(min = 1, max = 1000) double[] steps,
      @ForAll @IntRange(min = 1, max = 60) int window,
      @ForAll @IntRange(min = 1, max = 400) int blockBars) {
    double[] close = prices(steps);
    int n = close.length;
    if (window > n) {
      return;
    }
    double[] expected = Indicators.sma(close, window);
    RollingSma rolling = new RollingSma(close, window, Math.min(blockBars, n));
    for (int from = 0; from < n; from += blockBars) {
      int limit = Math.min(n, from + blockBars);
      rolling.advanceTo(limit);
      for (int t = Math.max(0, from - 1); t < limit; t++) {
        assertThat(Double.doubleToRawLongBits(rolling.values[t - rolling.base]))
            .as("bar %d", t)
            .isEqualTo(Double.doubleToRawLongBits(expected[t]));
      }
    }
  }

  @Property(tries = 300)
  void streamedSumsAreTheWholeSums(
      @ForAll @Size(min = 1, max = 300) double[] steps,
      @ForAll @IntRange(min = 1, max = 40) int blockBars) {
    double[] close = prices(steps);
    int n = close.length;
    Ohlc bars = new Ohlc(close, close, close, close);
    PreparedSeries whole = PreparedSeries.of(bars);
    PreparedSeries streamed = PreparedSeries.streaming(bars, blockBars);
    for (int from = 0; from < n; from += blockBars) {
      int limit = Math.min(n, from + blockBars);
      streamed.advanceTo(limit);
      for (int t = Math.max(0, from - 1); t < limit; t++) {
        for (int k = 0; k < 3; k++) {
          assertThat(Double.doubleToRawLongBits(streamed.sums[3 * (t - streamed.base) + k]))
              .as("bar %d sum %d", t, k)
              .isEqualTo(Double.doubleToRawLongBits(whole.sums[3 * t + k]));
        }
      }
    }
  }
}
