package dev.simrun.kinds.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The built-in agents against plain reference code written here, the obvious way: no rolling sums,
 * no centring, no pivoting.
 */
class ForecastAgentsPropertyTest {

  @Provide
  Arbitrary<double[]> windows() {
    return Arbitraries.doubles()
        .between(-1_000.0, 1_000.0)
        .array(double[].class)
        .ofMinSize(2)
        .ofMaxSize(60);
  }

  @Property(tries = 200)
  void naiveIsTheLastValue(@ForAll("windows") double[] h) {
    assertThat(Forecasters.naive(h)).isEqualTo(h[h.length - 1]);
  }

  @Property(tries = 200)
  void seasonalNaiveRepeatsTheValueOneSeasonAgo(
      @ForAll("windows") double[] h, @ForAll @IntRange(min = 1, max = 60) int period) {
    Assume.that(period <= h.length);
    // The predicted day is h.length (one past the window); one season before it:
    assertThat(Forecasters.seasonalNaive(h, period)).isEqualTo(h[h.length - period]);
  }

  @Property(tries = 200)
  void movingAverageIsTheMeanOfTheLastValues(
      @ForAll("windows") double[] h, @ForAll @IntRange(min = 1, max = 60) int window) {
    Assume.that(window <= h.length);
    double sum = 0;
    for (int i = 0; i < window; i++) {
      sum += h[h.length - 1 - i];
    }
    assertThat(Forecasters.movingAverage(h, window)).isCloseTo(sum / window, within(1e-9));
  }

  @Property(tries = 200)
  void holtFollowsTheTextbookRecursion(
      @ForAll("windows") double[] h,
      @ForAll @DoubleRange(min = 0.01, max = 1.0) double alpha,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double beta) {
    double[] level = new double[h.length];
    double[] trend = new double[h.length];
    level[0] = h[0];
    trend[0] = h[1] - h[0];
    for (int t = 1; t < h.length; t++) {
      level[t] = alpha * h[t] + (1 - alpha) * (level[t - 1] + trend[t - 1]);
      trend[t] = beta * (level[t] - level[t - 1]) + (1 - beta) * trend[t - 1];
    }
    double expected = level[h.length - 1] + trend[h.length - 1];
    assertThat(Forecasters.holt(h, alpha, beta))
        .isCloseTo(expected, within(1e-9 * (1 + Math.abs(expected))));
  }

  @Property(tries = 200)
  void holtWithAlphaOneAndBetaOneExtrapolatesTheLastStep(@ForAll("windows") double[] h) {
    double last = h[h.length - 1];
    double step = last - h[h.length - 2];
    assertThat(Forecasters.holt(h, 1.0, 1.0)).isCloseTo(last + step, within(1e-9));
  }

  /** A series with noise, long enough for the order: the AR fit is well defined. */
  record ArCase(double[] h, int p) {}

  @Provide
  Arbitrary<ArCase> arCases() {
    Arbitrary<Integer> orders = Arbitraries.integers().between(1, 5);
    return orders.flatMap(
        p ->
            Combinators.combine(
                    Arbitraries.integers().between(2 * p + 2 + 3, 80),
                    Arbitraries.longs(),
                    Arbitraries.doubles().between(-0.9, 0.9),
                    Arbitraries.doubles().between(-50, 50))
                .as(
                    (n, seed, phi, c) -> {
                      java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                      double[] h = new double[n];
                      h[0] = c + r.nextDouble(-10, 10);
                      for (int t = 1; t < n; t++) {
                        h[t] = c + phi * h[t - 1] + r.nextDouble(-5, 5);
                      }
                      return new ArCase(h, p);
                    }));
  }

  @Property(tries = 150)
  void arMatchesPlainLeastSquares(@ForAll("arCases") ArCase c) {
    double[] beta = referenceLeastSquares(c.h(), c.p());
    double expected = beta[0];
    for (int i = 1; i <= c.p(); i++) {
      expected += beta[i] * c.h()[c.h().length - i];
    }
    assertThat(Forecasters.ar(c.h(), c.p()))
        .isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
  }

  @Property(tries = 100)
  void arRecoversANoiselessAutoregression(
      @ForAll @DoubleRange(min = 0.6, max = 0.95) double magnitude,
      @ForAll boolean negative,
      @ForAll @DoubleRange(min = -100, max = 100) double c,
      @ForAll @DoubleRange(min = 10, max = 100) double offset,
      @ForAll @IntRange(min = 8, max = 20) int n) {
    // x[t] = c + φ x[t-1], started away from its fixed point c / (1 - φ) so that it still moves.
    double phi = negative ? -magnitude : magnitude;
    double[] h = new double[n];
    h[0] = c / (1 - phi) + offset;
    for (int t = 1; t < n; t++) {
      h[t] = c + phi * h[t - 1];
    }
    double expected = c + phi * h[n - 1];
    assertThat(Forecasters.ar(h, 1)).isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
  }

  @Property(tries = 50)
  void arOnAConstantWindowIsNaive(
      @ForAll @DoubleRange(min = -1e6, max = 1e6) double value,
      @ForAll @IntRange(min = 1, max = 5) int p,
      @ForAll @Size(min = 0, max = 20) java.util.List<Integer> extra) {
    double[] h = new double[2 * p + 2 + extra.size()];
    java.util.Arrays.fill(h, value);
    assertThat(Forecasters.ar(h, p)).isEqualTo(value);
  }

  /**
   * Least squares the plain way: the normal equations of {@code x[t] = c + Σ φ_i x[t-i]} on the raw
   * values, solved by Gauss–Jordan elimination without pivoting.
   */
  private static double[] referenceLeastSquares(double[] x, int p) {
    int k = p + 1;
    double[][] m = new double[k][k + 1];
    for (int t = p; t < x.length; t++) {
      double[] row = new double[k];
      row[0] = 1;
      for (int i = 1; i <= p; i++) {
        row[i] = x[t - i];
      }
      for (int r = 0; r < k; r++) {
        for (int col = 0; col < k; col++) {
          m[r][col] += row[r] * row[col];
        }
        m[r][k] += row[r] * x[t];
      }
    }
    for (int col = 0; col < k; col++) {
      double pivot = m[col][col];
      for (int c2 = 0; c2 <= k; c2++) {
        m[col][c2] /= pivot;
      }
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = m[r][col];
          for (int c2 = 0; c2 <= k; c2++) {
            m[r][c2] -= f * m[col][c2];
          }
        }
      }
    }
    double[] beta = new double[k];
    for (int r = 0; r < k; r++) {
      beta[r] = m[r][k];
    }
    return beta;
  }
}
