package dev.simrun.kinds.backtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain, slow implementations of the indicators, strategies, execution model and metrics, written
 * straight from docs/strategy-backtest.md without the engine's shortcuts (no rolling sums, no
 * recurrences where a closed formula exists, no cached bar returns, boxed nulls for "undefined").
 */
final class ReferenceBacktest {

  private ReferenceBacktest() {}

  // ------------------------------------------------------------------------------- indicators

  /** The mean of x[t-w+1..t], or null before the window fills. */
  static Double sma(double[] x, int t, int w) {
    if (t < w - 1) {
      return null;
    }
    double sum = 0;
    for (int k = t - w + 1; k <= t; k++) {
      sum += x[k];
    }
    return sum / w;
  }

  /** Population standard deviation of x[t-w+1..t], two passes; null before the window fills. */
  static Double stdev(double[] x, int t, int w) {
    Double mean = sma(x, t, w);
    if (mean == null) {
      return null;
    }
    double squares = 0;
    for (int k = t - w + 1; k <= t; k++) {
      squares += (x[k] - mean) * (x[k] - mean);
    }
    return Math.sqrt(squares / w);
  }

  /**
   * An exponential average written as its weighted sum: the seed (the mean of the first w values)
   * weighted (1-a)^(t-w+1), and x[t-i] weighted a(1-a)^i for i in 0..t-w.
   */
  static Double smoothed(double[] x, int t, int w, double a) {
    if (t < w - 1) {
      return null;
    }
    double value = sma(x, w - 1, w) * Math.pow(1 - a, t - w + 1);
    for (int i = 0; i <= t - w; i++) {
      value += a * Math.pow(1 - a, i) * x[t - i];
    }
    return value;
  }

  static Double ema(double[] x, int t, int w) {
    return smoothed(x, t, w, 2.0 / (w + 1));
  }

  /** Wilder's RSI: gains and losses averaged like {@link #smoothed} with a = 1/period. */
  static Double rsi(double[] x, int t, int period) {
    if (t < period) {
      return null;
    }
    // Changes indexed from 0: change[i] = x[i+1] - x[i]; the average at bar t covers change[..t-1].
    double[] gains = new double[x.length - 1];
    double[] losses = new double[x.length - 1];
    for (int i = 0; i < x.length - 1; i++) {
      gains[i] = Math.max(x[i + 1] - x[i], 0);
      losses[i] = Math.max(x[i] - x[i + 1], 0);
    }
    double g = smoothed(gains, t - 1, period, 1.0 / period);
    double l = smoothed(losses, t - 1, period, 1.0 / period);
    if (g == 0 && l == 0) {
      return 50.0;
    }
    if (l == 0) {
      return 100.0;
    }
    return 100 - 100 / (1 + g / l);
  }

  static Double roc(double[] x, int t, int lookback) {
    return t < lookback ? null : x[t] / x[t - lookback] - 1;
  }

  // ------------------------------------------------------------------------------- strategies

  /** The target position after each bar; null where the strategy has no signal yet. */
  static Integer[] signals(Strategy strategy, double[] p, double[] close, boolean longShort) {
    int n = close.length;
    Integer[] out = new Integer[n];
    int low = longShort ? -1 : 0;
    int state = 0;
    for (int t = 0; t < n; t++) {
      switch (strategy) {
        case SMA_CROSSOVER, EMA_CROSSOVER -> {
          boolean sma = strategy == Strategy.SMA_CROSSOVER;
          Double f = sma ? sma(close, t, (int) p[0]) : ema(close, t, (int) p[0]);
          Double s = sma ? sma(close, t, (int) p[1]) : ema(close, t, (int) p[1]);
          if (f != null && s != null) {
            out[t] = f > s ? 1 : f < s ? low : 0;
          }
        }
        case RSI_REVERSION -> {
          Double r = rsi(close, t, (int) p[0]);
          if (r != null) {
            if (r < p[1]) {
              state = 1;
            } else if (r > p[2]) {
              state = low;
            }
            out[t] = state;
          }
        }
        case BOLLINGER_BREAKOUT -> {
          Double mid = sma(close, t, (int) p[0]);
          if (mid != null) {
            double width = p[1] * stdev(close, t, (int) p[0]);
            if (close[t] > mid + width) {
              state = 1;
            } else if (close[t] < mid - width) {
              state = low;
            } else if (state == 1 && close[t] < mid) {
              state = 0;
            } else if (state == -1 && close[t] > mid) {
              state = 0;
            }
            out[t] = state;
          }
        }
        case MOMENTUM -> {
          Double m = roc(close, t, (int) p[0]);
          if (m != null) {
            out[t] = m > p[1] ? 1 : m < -p[1] ? low : 0;
          }
        }
      }
    }
    return out;
  }

  // ----------------------------------------------------------------------- execution, metrics

  record Trade(int entryBar, int exitBar, int side, double entryFill, double exitFill) {}

  record Run(
      List<Double> returns,
      List<Double> equity,
      List<Trade> trades,
      List<Double> tradePnl,
      List<Boolean> tradeWon,
      int entries,
      int barsInMarket) {}

  /** Executes the signals from the bar after the first defined one. */
  static Run execute(
      double[] open, double[] close, Integer[] signal, double commissionBps, double slippageBps) {
    int n = close.length;
    double c = commissionBps / 10_000;
    double s = slippageBps / 10_000;
    int t0 = 0;
    while (signal[t0] == null) {
      t0++;
    }
    List<Double> returns = new ArrayList<>();
    List<Double> equityCurve = new ArrayList<>();
    for (int j = 0; j <= t0; j++) {
      equityCurve.add(1.0);
    }
    List<Trade> trades = new ArrayList<>();
    List<Double> pnl = new ArrayList<>();
    List<Boolean> won = new ArrayList<>();
    double equity = 1;
    int position = 0;
    int entries = 0;
    int inMarket = 0;
    double tradeStart = 0;
    int entryBar = -1;
    double entryFill = 0;
    for (int j = t0 + 1; j < n; j++) {
      int target = signal[j - 1];
      double start = equity;
      if (target == position) {
        equity = equity * (1 + position * (close[j] - close[j - 1]) / close[j - 1]);
      } else {
        double fill = target > position ? open[j] * (1 + s) : open[j] * (1 - s);
        if (position != 0) {
          equity = equity * (1 + position * (fill - close[j - 1]) / close[j - 1]);
          equity = equity - c * equity;
          trades.add(new Trade(entryBar, j, position, entryFill, fill));
          pnl.add(equity - tradeStart);
          won.add(Engine.isWin(equity - tradeStart, tradeStart));
        }
        if (target != 0) {
          tradeStart = equity;
          entryBar = j;
          entryFill = fill;
          entries++;
          equity = equity - c * equity;
          equity = equity * (1 + target * (close[j] - fill) / fill);
        }
        position = target;
      }
      if (position != 0) {
        inMarket++;
      }
      returns.add(equity / start - 1);
      equityCurve.add(equity);
    }
    return new Run(returns, equityCurve, trades, pnl, won, entries, inMarket);
  }

  /** The documented metrics, in the engine's record; null where undefined. */
  static Engine.Metrics metrics(Run run, double barsPerYear) {
    List<Double> r = run.returns();
    int n = r.size();
    double mean = r.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double var = 0;
    double down = 0;
    for (double x : r) {
      var += (x - mean) * (x - mean);
      down += Math.min(x, 0) * Math.min(x, 0);
    }
    double sd = n > 1 ? Math.sqrt(var / (n - 1)) : 0;
    double downside = Math.sqrt(down / n);
    // Documented: below 1e-12, or below 1e-7 of the mean's size, a deviation is 0.
    if (sd < 1e-12 || sd < 1e-7 * Math.abs(mean)) {
      sd = 0;
    }
    if (downside < 1e-12 || downside < 1e-7 * Math.abs(mean)) {
      downside = 0;
    }
    double equity = run.equity().getLast();
    double peak = 1;
    double maxDd = 0;
    for (double e : run.equity()) {
      peak = Math.max(peak, e);
      maxDd = Math.max(maxDd, (peak - e) / peak);
    }
    double years = n / barsPerYear;
    double cagr = equity > 0 ? Math.pow(equity, 1 / years) - 1 : -1;
    int wins = 0;
    double profit = 0;
    double loss = 0;
    for (int i = 0; i < run.tradePnl().size(); i++) {
      double p = run.tradePnl().get(i);
      if (run.tradeWon().get(i)) {
        wins++;
        profit += p;
      } else {
        loss -= p;
      }
    }
    int closed = run.tradePnl().size();
    return new Engine.Metrics(
        run.entries(),
        finite(equity - 1),
        finite(cagr),
        finite(sd * Math.sqrt(barsPerYear)),
        sd == 0 ? Double.valueOf(0.0) : finite(mean / sd * Math.sqrt(barsPerYear)),
        downside == 0 ? null : finite(mean / downside * Math.sqrt(barsPerYear)),
        finite(maxDd),
        maxDd == 0 ? null : finite(cagr / maxDd),
        closed == 0 ? null : Double.valueOf((double) wins / closed),
        loss == 0 ? null : finite(profit / loss),
        (double) run.barsInMarket() / n);
  }

  /** JSON has no NaN or infinity: such a metric is null. */
  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
