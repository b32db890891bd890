package dev.simrun.shared.kinds.backtest;

import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Samples a full equity series. */
  static EquityCurve sample(double[] full) {
    int n = full.length;
    int m = Math.min(n, MAX_POINTS);
    Integer[] bars = new Integer[m];
    Double[] values = new Double[m];
    for (int i = 0; i < m; i++) {
      int b = m == 1 ? 0 : (int) ((long) i * (n - 1) / (m - 1));
      bars[i] = b;
      values[i] = Double.isFinite(full[b]) ? full[b] : null;
    }
    return new EquityCurve(List.of(bars), Arrays.asList(values));
  }
}
