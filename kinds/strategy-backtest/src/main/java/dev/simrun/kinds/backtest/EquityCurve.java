package dev.simrun.kinds.backtest;

import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A unit's equity (1 at the start) at up to {@link #MAX_POINTS} bars spread evenly over the series:
 * point {@code i} of {@code m} is bar {@code floor(i * (n-1) / (m-1))}, so the first and last bars
 * are always there.
 *
 * @param bar the bar indices, ascending
 * @param equity the equity at each of those bars' close
 */
@Serdeable
public record EquityCurve(List<Integer> bar, List<Double> equity) {

  public static final int MAX_POINTS = 200;

  public EquityCurve {
    bar = List.copyOf(bar);
    equity = Collections.unmodifiableList(new ArrayList<>(equity)); // null: not finite
  }

  /** The sampled bars of a series of {@code n} bars. */
  static int sampledBar(int n, int i) {
    int m = Math.min(n, MAX_POINTS);
    return m == 1 ? 0 : (int) ((long) i * (n - 1) / (m - 1));
  }

  /** The equity at the sampled bars of a full equity series. */
  static double[] samples(double[] full) {
    int n = full.length;
    double[] values = new double[Math.min(n, MAX_POINTS)];
    for (int i = 0; i < values.length; i++) {
      values[i] = full[sampledBar(n, i)];
    }
    return values;
  }

  /** The curve of a series of {@code n} bars from its {@link #samples}. */
  static EquityCurve of(int n, double[] samples) {
    List<Integer> bars = new ArrayList<>(samples.length);
    List<Double> values = new ArrayList<>(samples.length);
    for (int i = 0; i < samples.length; i++) {
      bars.add(sampledBar(n, i));
      values.add(Double.isFinite(samples[i]) ? samples[i] : null);
    }
    return new EquityCurve(bars, values);
  }
}
