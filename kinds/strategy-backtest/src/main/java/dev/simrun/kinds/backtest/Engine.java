package dev.simrun.kinds.backtest;

import java.util.Arrays;

/**
 * The execution model: turns a series of target positions into fills, equity and metrics. Pure
 * functions; see {@code docs/strategy-backtest.md} for the rules written out.
 *
 * <p>{@code signal[t]} in {-1, 0, 1} is the position the strategy wants after seeing bar {@code
 * t}'s close; it is filled at bar {@code t+1}'s open. Positions are fractions of equity: 1 is fully
 * invested long, -1 fully short. For bar {@code j} in {@code [t0+1, n-1]} (the evaluation period,
 * {@code t0} the first bar with a defined signal) the position held goes from {@code old =
 * signal[j-1]}'s predecessor to {@code new = signal[j-1]}:
 *
 * <ul>
 *   <li>unchanged: equity {@code E *= 1 + old * (close[j] / close[j-1] - 1)};
 *   <li>changed: the trade fills at {@code fill = open[j] * (1 ± slippage)} (plus when buying,
 *       minus when selling). An open position is first closed: {@code E *= 1 + old * (fill /
 *       close[j-1] - 1)}, then {@code E *= 1 - commission}. A new position is then opened: {@code E
 *       *= 1 - commission}, then {@code E *= 1 + new * (close[j] / fill - 1)}. A reversal is an
 *       exit and an entry at the same fill price, charged commission twice.
 * </ul>
 *
 * The bar's return is {@code E_j / E_{j-1} - 1}.
 */
public final class Engine {

  /** A per-bar deviation of returns below this counts as zero (see the metrics' edge cases). */
  public static final double ZERO_DEVIATION = 1e-12;

  /**
   * A deviation below this fraction of the mean return's size counts as zero too: a per-bar Sharpe
   * ratio above 10^7 is the rounding noise of returns that are equal, not a measurement, and two
   * correct ways of summing would disagree on it in every digit that matters.
   */
  public static final double RELATIVE_ZERO_DEVIATION = 1e-7;

  /**
   * A closed trade is a win when it gained more than this fraction of the equity it started with. A
   * trade that ends where it began (filled at the price it entered, no costs) would otherwise be a
   * win or a loss by the last bit of whichever way its equity was summed.
   */
  public static final double WIN_NOISE = 1e-12;

  /** Whether a trade that started at {@code tradeStart} equity and made {@code pnl} is a win. */
  public static boolean isWin(double pnl, double tradeStart) {
    return pnl > WIN_NOISE * Math.abs(tradeStart);
  }

  /** Whether a per-bar deviation of returns with this mean is rounding noise, to be read as 0. */
  public static boolean negligible(double deviation, double mean) {
    return deviation < ZERO_DEVIATION || deviation < RELATIVE_ZERO_DEVIATION * Math.abs(mean);
  }

  private Engine() {}

  /** Receives the trades of a run as they happen, e.g. for tests; never needed for metrics. */
  public interface TradeLog {
    /** A position of {@code side} (1 long, -1 short) opened at bar {@code bar}'s open. */
    void entry(int bar, int side, double fill);

    /** The open position closed at bar {@code bar}'s open. */
    void exit(int bar, double fill);
  }

  /**
   * The cost model and annualization of a run.
   *
   * @param commission the fraction of traded notional charged per fill (bps / 10,000)
   * @param slippage the fraction by which a fill is worse than the open (bps / 10,000)
   * @param barsPerYear bars in a year, for CAGR and annualized ratios
   */
  public record Settings(double commission, double slippage, double barsPerYear) {}

  /**
   * The metrics of one run; see {@code docs/strategy-backtest.md}. A value that is undefined (e.g.
   * a win rate without closed trades) or not finite is null.
   */
  public record Metrics(
      int trades,
      Double totalReturn,
      Double cagr,
      Double volatility,
      Double sharpe,
      Double sortino,
      Double maxDrawdown,
      Double calmar,
      Double winRate,
      Double profitFactor,
      Double exposure) {}

  /**
   * Runs the model.
   *
   * @param bars the prices, positive
   * @param barReturns {@link Indicators#barReturns} of the closes
   * @param signal the target positions; read at {@code [t0, n-2]}
   * @param t0 the first bar with a defined signal, {@code 0 <= t0 <= n-2}
   * @param returns scratch for the per-bar returns, at least {@code n} long; overwritten
   * @param log receives the trades, or null
   * @param equity receives the equity at every bar's close ({@code 1} through {@code t0}), or null
   */
  public static Metrics run(
      Ohlc bars,
      double[] barReturns,
      byte[] signal,
      int t0,
      Settings settings,
      double[] returns,
      TradeLog log,
      double[] equity) {
    double[] open = bars.open();
    double[] close = bars.close();
    int n = close.length;
    if (t0 < 0 || t0 > n - 2) {
      throw new IllegalArgumentException("t0 must be in 0.." + (n - 2) + ", got " + t0);
    }
    double commission = settings.commission();
    double buy = 1.0 + settings.slippage();
    double sell = 1.0 - settings.slippage();
    if (equity != null) {
      Arrays.fill(equity, 0, t0 + 1, 1.0);
    }
    int position = 0;
    int trades = 0;
    int closed = 0;
    int wins = 0;
    int inMarket = 0;
    double grossProfit = 0.0;
    double grossLoss = 0.0;
    double tradeStart = 1.0;
    double e = 1.0;
    double peak = 1.0;
    double trough = 1.0;
    double maxDrawdown = 0.0;
    double sum = 0.0;
    int count = 0;
    for (int j = t0 + 1; j < n; j++) {
      int next = signal[j - 1];
      double before = e;
      double r;
      if (next == position) {
        r = position == 0 ? 0.0 : position * barReturns[j];
        e *= 1.0 + r;
      } else {
        double fill = open[j] * (next > position ? buy : sell);
        if (position != 0) {
          e *= 1.0 + position * (fill / close[j - 1] - 1.0);
          e *= 1.0 - commission;
          double pnl = e - tradeStart;
          closed++;
          if (isWin(pnl, tradeStart)) {
            wins++;
            grossProfit += pnl;
          } else {
            grossLoss -= pnl;
          }
          if (log != null) {
            log.exit(j, fill);
          }
        }
        if (next != 0) {
          tradeStart = e;
          e *= 1.0 - commission;
          e *= 1.0 + next * (close[j] / fill - 1.0);
          trades++;
          if (log != null) {
            log.entry(j, next, fill);
          }
        }
        position = next;
        r = e / before - 1.0;
      }
      if (position != 0) {
        inMarket++;
      }
      returns[count++] = r;
      sum += r;
      if (equity != null) {
        equity[j] = e;
      }
      if (e > peak) {
        peak = e;
        trough = e;
      } else if (e < trough) {
        // For a given peak, (peak - e) / peak is largest at the lowest equity, so only new lows
        // need the division.
        trough = e;
        double drawdown = (peak - e) / peak;
        if (drawdown > maxDrawdown) {
          maxDrawdown = drawdown;
        }
      }
    }
    return metrics(
        returns,
        count,
        sum,
        e,
        maxDrawdown,
        trades,
        closed,
        wins,
        grossProfit,
        grossLoss,
        inMarket,
        settings.barsPerYear());
  }

  private static Metrics metrics(
      double[] returns,
      int count,
      double sum,
      double equity,
      double maxDrawdown,
      int trades,
      int closed,
      int wins,
      double grossProfit,
      double grossLoss,
      int inMarket,
      double barsPerYear) {
    double mean = sum / count;
    double squares = 0.0;
    double downside = 0.0;
    for (int i = 0; i < count; i++) {
      double r = returns[i];
      double d = r - mean;
      squares += d * d;
      if (r < 0.0) {
        downside += r * r;
      }
    }
    return metrics(
        count,
        sum,
        squares,
        downside,
        equity,
        maxDrawdown,
        trades,
        closed,
        wins,
        grossProfit,
        grossLoss,
        inMarket,
        barsPerYear);
  }

  /**
   * The metrics from the sums over the {@code count} returns: {@code sum} of the returns, {@code
   * squares} of their deviations from the mean, {@code downside} of the squares of the negative
   * ones.
   */
  static Metrics metrics(
      int count,
      double sum,
      double squares,
      double downside,
      double equity,
      double maxDrawdown,
      int trades,
      int closed,
      int wins,
      double grossProfit,
      double grossLoss,
      int inMarket,
      double barsPerYear) {
    double mean = sum / count;
    double annual = Math.sqrt(barsPerYear);
    double stdev = count > 1 ? Math.sqrt(squares / (count - 1)) : 0.0;
    double downsideDeviation = Math.sqrt(downside / count);
    // Below this a deviation is rounding noise (e.g. of returns that are all equal), not risk.
    if (negligible(stdev, mean)) {
      stdev = 0.0;
    }
    if (negligible(downsideDeviation, mean)) {
      downsideDeviation = 0.0;
    }
    double years = count / barsPerYear;
    double cagr = equity > 0.0 ? StrictMath.pow(equity, 1.0 / years) - 1.0 : -1.0;
    return new Metrics(
        trades,
        finite(equity - 1.0),
        finite(cagr),
        finite(stdev * annual),
        stdev > 0.0 ? finite(mean / stdev * annual) : Double.valueOf(0.0),
        downsideDeviation > 0.0 ? finite(mean / downsideDeviation * annual) : null,
        finite(maxDrawdown),
        maxDrawdown > 0.0 ? finite(cagr / maxDrawdown) : null,
        closed > 0 ? Double.valueOf((double) wins / closed) : null,
        grossLoss > 0.0 ? finite(grossProfit / grossLoss) : null,
        (double) inMarket / count);
  }

  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
