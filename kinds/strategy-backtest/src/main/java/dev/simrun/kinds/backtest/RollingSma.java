package dev.simrun.kinds.backtest;

import java.util.Arrays;

/**
 * {@link Indicators#sma} computed a block of bars at a time into a buffer of one block (and the bar
 * before it), the same additions in the same order, so bit for bit the same values, without a
 * series-long array to write and read back.
 */
final class RollingSma extends IndicatorBlock {
  private final double[] x;
  private final int window;
  private double sum;
  private int next;

  RollingSma(double[] x, int window, int blockBars) {
    super(new double[blockBars + 1], 0);
    if (window < 1 || window > x.length) {
      throw new IllegalArgumentException("window must be in 1.." + x.length + ", got " + window);
    }
    this.x = x;
    this.window = window;
    Arrays.fill(values, Double.NaN);
  }

  @Override
  void advanceTo(int limit) {
    if (next > 0) {
      values[0] = values[next - 1 - base];
      base = next - 1;
    }
    if (limit - base > values.length) {
      throw new IllegalArgumentException("a block of at most " + (values.length - 1) + " bars");
    }
    // As Indicators.sma: the sum is recomputed from scratch at every anchor, a bar t with (t + 1)
    // % window == 0, and rolls in between. A stretch from one anchor to the next depends on no
    // other, so four stretches run side by side (the CPU overlaps their additions).
    int t = next;
    int anchor = (t / window + 1) * window - 1;
    double s = sum;
    for (int end = Math.min(anchor, limit); t < end; t++) {
      s += x[t];
      if (t >= window) {
        s -= x[t - window];
      }
      values[t - base] = t >= window - 1 ? s / window : Double.NaN;
    }
    for (; t + 4 * window <= limit; t += 4 * window) {
      int a0 = t;
      int a1 = t + window;
      int a2 = a1 + window;
      int a3 = a2 + window;
      double s0 = 0.0;
      double s1 = 0.0;
      double s2 = 0.0;
      double s3 = 0.0;
      for (int k = 1 - window; k <= 0; k++) {
        s0 += x[a0 + k];
        s1 += x[a1 + k];
        s2 += x[a2 + k];
        s3 += x[a3 + k];
      }
      values[a0 - base] = s0 / window;
      values[a1 - base] = s1 / window;
      values[a2 - base] = s2 / window;
      values[a3 - base] = s3 / window;
      for (int i = 1; i < window; i++) {
        s0 += x[a0 + i];
        s1 += x[a1 + i];
        s2 += x[a2 + i];
        s3 += x[a3 + i];
        s0 -= x[a0 + i - window];
        s1 -= x[a1 + i - window];
        s2 -= x[a2 + i - window];
        s3 -= x[a3 + i - window];
        values[a0 + i - base] = s0 / window;
        values[a1 + i - base] = s1 / window;
        values[a2 + i - base] = s2 / window;
        values[a3 + i - base] = s3 / window;
      }
      s = s3;
    }
    anchor = (t / window + 1) * window - 1;
    for (; t < limit; t++) {
      if (t == anchor) {
        anchor += window;
        s = 0.0;
        for (int k = t - window + 1; k <= t; k++) {
          s += x[k];
        }
      } else {
        s += x[t];
        if (t >= window) {
          s -= x[t - window];
        }
      }
      values[t - base] = t >= window - 1 ? s / window : Double.NaN;
    }
    sum = s;
    next = Math.max(next, limit);
  }
}
