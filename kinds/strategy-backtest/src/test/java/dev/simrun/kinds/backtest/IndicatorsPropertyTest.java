package dev.simrun.kinds.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.IntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every indicator against {@link ReferenceBacktest}'s plain formulas, on generated series. */
class IndicatorsPropertyTest {

  /** Positive prices: a walk of log returns, including flat stretches and big jumps. */
  @Provide
  Arbitrary<double[]> prices() {
    Arbitrary<Double> step =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.doubles().between(-0.02, 0.02)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(0.0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.doubles().between(-0.3, 0.3)));
    Arbitrary<Double> start = Arbitraries.doubles().between(0.01, 10_000);
    return start.flatMap(
        s ->
            step.list()
                .ofMinSize(2)
                .ofMaxSize(150)
                .map(
                    (List<Double> steps) -> {
                      double[] x = new double[steps.size()];
                      double log = Math.log(s);
                      for (int i = 0; i < x.length; i++) {
                        log += i == 0 ? 0 : steps.get(i);
                        x[i] = Math.exp(log);
                      }
                      return x;
                    }));
  }

  private static void assertMatches(double[] actual, IntFunction<Double> expected, double eps) {
    for (int t = 0; t < actual.length; t++) {
      Double e = expected.apply(t);
      if (e == null) {
        assertThat(actual[t]).as("t=%d", t).isNaN();
      } else {
        assertThat(actual[t]).as("t=%d", t).isCloseTo(e, within(eps * Math.max(1, Math.abs(e))));
      }
    }
  }

  private static int fit(int window, double[] x, int margin) {
    return 1 + (window - 1) % Math.max(1, x.length - margin);
  }

  @Property(tries = 300)
  void smaIsTheMeanOfTheWindow(
      @ForAll("prices") double[] x, @ForAll @IntRange(min = 1, max = 150) int w) {
    int window = fit(w, x, 0);
    assertMatches(Indicators.sma(x, window), t -> ReferenceBacktest.sma(x, t, window), 1e-12);
  }

  @Property(tries = 300)
  void emaIsItsWeightedSum(
      @ForAll("prices") double[] x, @ForAll @IntRange(min = 1, max = 150) int w) {
    int window = fit(w, x, 0);
    assertMatches(Indicators.ema(x, window), t -> ReferenceBacktest.ema(x, t, window), 1e-10);
  }

  @Property(tries = 300)
  void rsiIsWildersFormula(
      @ForAll("prices") double[] x, @ForAll @IntRange(min = 1, max = 150) int p) {
    int period = fit(p, x, 1);
    double[] rsi = Indicators.rsi(x, period);
    assertMatches(rsi, t -> ReferenceBacktest.rsi(x, t, period), 1e-9);
    for (double v : rsi) {
      assertThat(Double.isNaN(v) || (v >= 0 && v <= 100)).isTrue();
    }
  }

  @Property(tries = 300)
  void stdevIsThePopulationDeviationOfTheWindow(
      @ForAll("prices") double[] x, @ForAll @IntRange(min = 1, max = 150) int w) {
    int window = fit(w, x, 0);
    double[] sd = Indicators.stdev(x, window);
    for (int t = window - 1; t < x.length; t++) {
      double expected = ReferenceBacktest.stdev(x, t, window);
      // The rolling update's rounding is on the scale of the squared prices; near a zero deviation
      // the square root lifts it to about 1e-8 of the price level.
      assertThat(sd[t])
          .as("t=%d", t)
          .isCloseTo(expected, within(1e-7 * ReferenceBacktest.sma(x, t, window)));
      assertThat(sd[t]).isGreaterThanOrEqualTo(0);
    }
    for (int t = 0; t < window - 1; t++) {
      assertThat(sd[t]).isNaN();
    }
  }

  @Property(tries = 300)
  void rocIsTheChangeOverTheLookback(
      @ForAll("prices") double[] x, @ForAll @IntRange(min = 1, max = 150) int l) {
    int lookback = fit(l, x, 1);
    assertMatches(Indicators.roc(x, lookback), t -> ReferenceBacktest.roc(x, t, lookback), 1e-12);
  }

  @Property(tries = 100)
  void aConstantSeriesHasFlatIndicators(
      @ForAll @IntRange(min = 2, max = 100) int n, @ForAll @IntRange(min = 1, max = 100) int w) {
    Assume.that(w <= n - 1);
    double[] x = new double[n];
    java.util.Arrays.fill(x, 42.5);
    double[] sd = Indicators.stdev(x, w);
    double[] rsi = Indicators.rsi(x, w);
    for (int t = w; t < n; t++) {
      assertThat(sd[t]).isZero();
      assertThat(rsi[t]).isEqualTo(50.0);
      assertThat(Indicators.ema(x, w)[t]).isEqualTo(42.5);
    }
  }
}
