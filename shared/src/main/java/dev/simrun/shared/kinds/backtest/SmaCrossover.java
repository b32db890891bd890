package dev.simrun.shared.kinds.backtest;

import java.util.Arrays;

/**
 * The SMA-crossover backtest engine: pure functions over a close series. See {@link
 * StrategyBacktestKind} for the rules.
 */
public final class SmaCrossover {

  /** Periods per year used to annualize the Sharpe ratio. */
  public static final double PERIODS_PER_YEAR = 252.0;

  private static final double SQRT_PERIODS_PER_YEAR = Math.sqrt(PERIODS_PER_YEAR);

  private SmaCrossover() {}

  /**
   * The metrics of one run.
   *
   * @param trades entries (flat to long)
   * @param totalReturn compounded equity minus 1
   * @param maxDrawdown largest peak-to-trough fall of equity, a positive fraction
   * @param sharpe annualized Sharpe ratio of the per-bar returns; 0 when their deviation is 0
   */
  public record Metrics(int trades, double totalReturn, double maxDrawdown, double sharpe) {}

  /**
   * The simple moving average of {@code closes} over {@code window} bars: {@code out[t]} is the
   * mean of {@code closes[t-window+1..t]} for {@code t >= window-1}, NaN before.
   *
   * <p>A rolling sum, O(1) per bar amortized: each bar adds the newest close and drops the oldest,
   * and whenever the window lines up with a block of {@code window} bars ({@code (t+1) % window ==
   * 0}) the sum is recomputed from scratch, which keeps rounding error from accumulating over long
   * series at the cost of one more addition per bar.
   */
  public static double[] sma(double[] closes, int window) {
    return sma(closes, window, new double[closes.length]);
  }

  /** Like {@link #sma(double[], int)}, writing into {@code out} (at least as long as closes). */
  public static double[] sma(double[] closes, int window, double[] out) {
    int n = closes.length;
    if (window < 1 || window > n) {
      throw new IllegalArgumentException("window must be in 1.." + n + ", got " + window);
    }
    Arrays.fill(out, 0, Math.min(window - 1, n), Double.NaN);
    double sum = 0.0;
    int untilAnchor = window; // bars left until the window lines up with a block
    for (int t = 0; t < n; t++) {
      if (--untilAnchor == 0) {
        untilAnchor = window;
        sum = 0.0;
        for (int k = t - window + 1; k <= t; k++) {
          sum += closes[k];
        }
      } else {
        sum += closes[t];
        if (t >= window) {
          sum -= closes[t - window];
        }
      }
      if (t >= window - 1) {
        out[t] = sum / window;
      }
    }
    return out;
  }

  /**
   * Runs the strategy. From bar {@code t0 = slow - 1} (the first with a slow SMA) the position at
   * bar {@code t} is long (1) if {@code smaFast[t] > smaSlow[t]}, else flat (0); before {@code t0}
   * it is flat. For {@code t} in {@code [t0, n-2]}, the return of bar {@code t+1} is {@code
   * position(t) * (closes[t+1] / closes[t] - 1)}, minus {@code costPerChange} when {@code
   * position(t) != position(t-1)}. The position at the last bar is never traded.
   *
   * @param closes the closes, positive
   * @param smaFast the fast SMA of closes, defined from {@code t0}
   * @param smaSlow the slow SMA of closes, defined from {@code t0}
   * @param slow the slow window, {@code 1 <= slow <= closes.length - 1}
   * @param costPerChange the fraction of equity lost per position change, {@code (commissionBps +
   *     slippageBps) / 10_000}
   */
  public static Metrics run(
      double[] closes, double[] smaFast, double[] smaSlow, int slow, double costPerChange) {
    return run(closes, smaFast, smaSlow, slow, costPerChange, new double[closes.length]);
  }

  /**
   * Like {@link #run(double[], double[], double[], int, double)}, with a scratch array for the
   * per-bar returns (at least {@code closes.length} long; its contents are overwritten) so that
   * repeated runs allocate nothing.
   */
  public static Metrics run(
      double[] closes,
      double[] smaFast,
      double[] smaSlow,
      int slow,
      double costPerChange,
      double[] returns) {
    int n = closes.length;
    if (slow < 1 || slow > n - 1) {
      throw new IllegalArgumentException("slow must be in 1.." + (n - 1) + ", got " + slow);
    }
    int trades = 0;
    int previous = 0;
    double equity = 1.0;
    double peak = 1.0;
    double trough = 1.0; // the lowest equity since the peak
    double maxDrawdown = 0.0;
    double sum = 0.0;
    int count = 0;
    for (int t = slow - 1; t < n - 1; t++) {
      int position = smaFast[t] > smaSlow[t] ? 1 : 0;
      double r = position == 1 ? closes[t + 1] / closes[t] - 1.0 : 0.0;
      if (position != previous) {
        r -= costPerChange;
        if (position == 1) {
          trades++;
        }
        previous = position;
      }
      returns[count++] = r;
      sum += r;
      equity *= 1.0 + r;
      if (equity > peak) {
        peak = equity;
        trough = equity;
      } else if (equity < trough) {
        // For a given peak, (peak - equity) / peak is largest at the lowest equity (rounding is
        // monotone too), so only new lows need the division.
        trough = equity;
        double drawdown = (peak - equity) / peak;
        if (drawdown > maxDrawdown) {
          maxDrawdown = drawdown;
        }
      }
    }
    double sharpe = 0.0;
    if (count > 1) {
      // Two passes: the mean, then squared deviations from it (no cancellation, no division per
      // bar).
      double mean = sum / count;
      double squares = 0.0;
      for (int i = 0; i < count; i++) {
        double d = returns[i] - mean;
        squares += d * d;
      }
      double stdev = Math.sqrt(squares / (count - 1));
      if (stdev > 0.0) {
        sharpe = mean / stdev * SQRT_PERIODS_PER_YEAR;
      }
    }
    return new Metrics(trades, equity - 1.0, maxDrawdown, sharpe);
  }
}
