package dev.simrun.kinds.backtest;

import java.util.Arrays;

/**
 * The indicators the strategies read, over a close series. Each returns an array as long as the
 * input whose values before the indicator is defined are NaN.
 */
public final class Indicators {

  private Indicators() {}

  /**
   * The simple moving average over {@code window} bars: {@code out[t]} is the mean of {@code
   * x[t-window+1..t]} for {@code t >= window-1}.
   *
   * <p>A rolling sum, O(1) per bar amortized: each bar adds the newest value and drops the oldest,
   * and whenever the window lines up with a block of {@code window} bars ({@code (t+1) % window ==
   * 0}) the sum is recomputed from scratch, which keeps rounding error from accumulating over long
   * series at the cost of one more addition per bar.
   */
  public static double[] sma(double[] x, int window) {
    int n = x.length;
    checkWindow(window, n);
    double[] out = new double[n];
    Arrays.fill(out, 0, window - 1, Double.NaN);
    double sum = 0.0;
    int untilAnchor = window; // bars left until the window lines up with a block
    for (int t = 0; t < n; t++) {
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
      if (t >= window - 1) {
        out[t] = sum / window;
      }
    }
    return out;
  }

  /**
   * The exponential moving average over {@code window} bars, {@code alpha = 2 / (window + 1)},
   * seeded with the simple average of the first {@code window} values: {@code out[window-1] = SMA},
   * then {@code out[t] = out[t-1] + alpha * (x[t] - out[t-1])}.
   */
  public static double[] ema(double[] x, int window) {
    return smoothed(x, window, 2.0 / (window + 1));
  }

  /**
   * Wilder's relative strength index over {@code period} bars, defined from {@code t = period}.
   * With {@code gain[t] = max(x[t] - x[t-1], 0)} and {@code loss[t] = max(x[t-1] - x[t], 0)}, the
   * averages start as the plain means of bars {@code 1..period} and continue as {@code avg[t] =
   * avg[t-1] + (value[t] - avg[t-1]) / period}; {@code RSI = 100 * avgGain / (avgGain + avgLoss)},
   * which is {@code 100 - 100 / (1 + avgGain / avgLoss)}, 100 when only gains and 50 when the price
   * has not moved at all.
   */
  public static double[] rsi(double[] x, int period) {
    int n = x.length;
    if (period < 1 || period > n - 1) {
      throw new IllegalArgumentException("period must be in 1.." + (n - 1) + ", got " + period);
    }
    double[] out = new double[n];
    Arrays.fill(out, 0, period, Double.NaN);
    double gain = 0.0;
    double loss = 0.0;
    for (int t = 1; t <= period; t++) {
      double d = x[t] - x[t - 1];
      gain += Math.max(d, 0.0);
      loss += Math.max(-d, 0.0);
    }
    gain /= period;
    loss /= period;
    out[period] = rsiOf(gain, loss);
    for (int t = period + 1; t < n; t++) {
      double d = x[t] - x[t - 1];
      gain += (Math.max(d, 0.0) - gain) / period;
      loss += (Math.max(-d, 0.0) - loss) / period;
      out[t] = rsiOf(gain, loss);
    }
    return out;
  }

  private static double rsiOf(double gain, double loss) {
    double total = gain + loss;
    return total == 0.0 ? 50.0 : 100.0 * (gain / total); // in [0, 100] after rounding too
  }

  /**
   * The population standard deviation over {@code window} bars (the Bollinger band width unit),
   * from {@code t = window-1}. A rolling mean and sum of squared deviations (updated as the window
   * slides), recomputed exactly in two passes whenever the window lines up with a block of {@code
   * window} bars, like {@link #sma}.
   */
  public static double[] stdev(double[] x, int window) {
    int n = x.length;
    checkWindow(window, n);
    double[] out = new double[n];
    Arrays.fill(out, 0, window - 1, Double.NaN);
    double mean = 0.0;
    double m2 = 0.0;
    int untilAnchor = window;
    for (int t = 0; t < n; t++) {
      if (--untilAnchor == 0) {
        untilAnchor = window;
        double sum = 0.0;
        for (int k = t - window + 1; k <= t; k++) {
          sum += x[k];
        }
        mean = sum / window;
        m2 = 0.0;
        for (int k = t - window + 1; k <= t; k++) {
          double d = x[k] - mean;
          m2 += d * d;
        }
      } else if (t >= window) {
        double in = x[t];
        double outgoing = x[t - window];
        double next = mean + (in - outgoing) / window;
        m2 += (in - outgoing) * (in - next + outgoing - mean);
        mean = next;
      }
      if (t >= window - 1) {
        out[t] = Math.sqrt(Math.max(m2, 0.0) / window);
      }
    }
    return out;
  }

  /** The rate of change over {@code lookback} bars: {@code x[t] / x[t-lookback] - 1}. */
  public static double[] roc(double[] x, int lookback) {
    int n = x.length;
    if (lookback < 1 || lookback > n - 1) {
      throw new IllegalArgumentException("lookback must be in 1.." + (n - 1) + ", got " + lookback);
    }
    double[] out = new double[n];
    Arrays.fill(out, 0, lookback, Double.NaN);
    for (int t = lookback; t < n; t++) {
      out[t] = x[t] / x[t - lookback] - 1.0;
    }
    return out;
  }

  /** The simple return of every bar: {@code x[t] / x[t-1] - 1}, 0 at {@code t = 0}. */
  public static double[] barReturns(double[] x) {
    double[] out = new double[x.length];
    for (int t = 1; t < x.length; t++) {
      out[t] = x[t] / x[t - 1] - 1.0;
    }
    return out;
  }

  private static double[] smoothed(double[] x, int window, double alpha) {
    int n = x.length;
    checkWindow(window, n);
    double[] out = new double[n];
    Arrays.fill(out, 0, window - 1, Double.NaN);
    double sum = 0.0;
    for (int t = 0; t < window; t++) {
      sum += x[t];
    }
    double e = sum / window;
    out[window - 1] = e;
    for (int t = window; t < n; t++) {
      e += alpha * (x[t] - e);
      out[t] = e;
    }
    return out;
  }

  private static void checkWindow(int window, int n) {
    if (window < 1 || window > n) {
      throw new IllegalArgumentException("window must be in 1.." + n + ", got " + window);
    }
  }
}
