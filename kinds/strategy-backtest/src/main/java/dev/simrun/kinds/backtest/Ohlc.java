package dev.simrun.kinds.backtest;

/**
 * Open, high, low and close prices of one series, column by column, in time order. Shared and
 * immutable by contract: callers must not modify the arrays.
 */
public record Ohlc(double[] open, double[] high, double[] low, double[] close) {

  public Ohlc {
    int n = close.length;
    if (open.length != n || high.length != n || low.length != n) {
      throw new IllegalArgumentException("every column must have " + n + " values");
    }
  }

  public int size() {
    return close.length;
  }
}
