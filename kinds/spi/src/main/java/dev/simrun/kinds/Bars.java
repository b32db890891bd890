package dev.simrun.kinds;

/**
 * OHLCV bars in time order, column by column: {@code time[i]} (epoch seconds, strictly increasing)
 * and the bar's open, high, low, close and volume. Shared and immutable by contract: callers must
 * not modify the arrays.
 */
public record Bars(
    long[] time, double[] open, double[] high, double[] low, double[] close, double[] volume) {

  public Bars {
    int n = time.length;
    if (open.length != n
        || high.length != n
        || low.length != n
        || close.length != n
        || volume.length != n) {
      throw new IllegalArgumentException("every column must have " + n + " values");
    }
  }

  public int size() {
    return time.length;
  }
}
