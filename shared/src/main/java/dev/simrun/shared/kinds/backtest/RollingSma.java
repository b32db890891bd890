package dev.simrun.shared.kinds.backtest;

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
  private int untilAnchor;
  private int next;

  RollingSma(double[] x, int window, int blockBars) {
    super(new double[blockBars + 1], 0);
    if (window < 1 || window > x.length) {
      throw new IllegalArgumentException("window must be in 1.." + x.length + ", got " + window);
    }
    this.x = x;
    this.window = window;
    this.untilAnchor = window;
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
    for (int t = next; t < limit; t++) {
      if (--untilAnchor == 0) {
        untilAnchor = window;
        sum = 0.0;
        for (int k = t - window + 1; k <= t; k++) {
          sum += x[k];
        }
      } else {
        sum += x[t];
        if (t >= window) {
          sum -= x[t - window];
        }
      }
      values[t - base] = t >= window - 1 ? sum / window : Double.NaN;
    }
    next = Math.max(next, limit);
  }
}
