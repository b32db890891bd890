package dev.simrun.shared.kinds.backtest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link Engine}'s execution model in one pass over the bars, for the worker: the same fills,
 * equity and metrics, without a store per bar.
 *
 * <p>Between two fills the position is unchanged, so the run of bars in between needs no per-bar
 * work for its returns: their sum, sum of squares and downside are differences of {@link
 * PreparedSeries}' running sums. Only the drawdown needs the equity of every bar, and only while in
 * the market: long, the equity is proportional to the close; short, it compounds {@code 1 -
 * barReturn} as in {@link Engine}. Flat runs are skipped 8 signals at a time. The variance comes
 * from the sum and the sum of squares; when the mean is so large next to the deviation that this
 * loses more than a bit (a per-bar Sharpe ratio near 1, e.g. returns that are all equal), the unit
 * is run again by {@link Engine}, which subtracts the mean first.
 */
final class FusedEngine {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int PEAK = 0;
  private static final int TROUGH = 1;
  private static final int DRAWDOWN = 2;

  private FusedEngine() {}

  /**
   * Runs the model as {@link Engine#run} does.
   *
   * @param signal the target positions; read at {@code [t0, n-2]}
   * @param t0 the first bar with a defined signal, {@code 0 <= t0 <= n-2}
   * @param samples receives the equity at the bars of {@link EquityCurve#sampledBar}, or null; its
   *     length is {@code min(n, EquityCurve.MAX_POINTS)}
   */
  static Engine.Metrics run(
      PreparedSeries series, byte[] signal, int t0, Engine.Settings settings, double[] samples) {
    double[] open = series.bars.open();
    double[] close = series.bars.close();
    double[] barReturns = series.barReturns;
    int n = close.length;
    if (t0 < 0 || t0 > n - 2) {
      throw new IllegalArgumentException("t0 must be in 0.." + (n - 2) + ", got " + t0);
    }
    double commission = settings.commission();
    double buy = 1.0 + settings.slippage();
    double sell = 1.0 - settings.slippage();
    int sampleCount = samples == null ? 0 : samples.length;
    int sample = 0;
    while (sample < sampleCount && EquityCurve.sampledBar(n, sample) <= t0) {
      samples[sample++] = 1.0;
    }
    int nextSample = sample < sampleCount ? EquityCurve.sampledBar(n, sample) : n;
    double[] drawdown = {1.0, 1.0, 0.0};
    int position = 0;
    int trades = 0;
    int closed = 0;
    int wins = 0;
    int inMarket = 0;
    double grossProfit = 0.0;
    double grossLoss = 0.0;
    double tradeStart = 1.0;
    double e = 1.0;
    double sum = 0.0;
    double squares = 0.0;
    double downside = 0.0;
    int j = t0 + 1;
    while (j < n) {
      int next = signal[j - 1];
      if (next != position) {
        double before = e;
        double fill = open[j] * (next > position ? buy : sell);
        if (position != 0) {
          e *= 1.0 + position * (fill / close[j - 1] - 1.0);
          e *= 1.0 - commission;
          double pnl = e - tradeStart;
          closed++;
          if (pnl > 0.0) {
            wins++;
            grossProfit += pnl;
          } else {
            grossLoss -= pnl;
          }
        }
        if (next != 0) {
          tradeStart = e;
          e *= 1.0 - commission;
          e *= 1.0 + next * (close[j] / fill - 1.0);
          trades++;
          inMarket++;
        }
        position = next;
        double r = e / before - 1.0;
        sum += r;
        squares += r * r;
        if (r < 0.0) {
          downside += r * r;
        }
        track(e, drawdown);
        if (j == nextSample) {
          samples[sample++] = e;
          nextSample = sample < sampleCount ? EquityCurve.sampledBar(n, sample) : n;
        }
        j++;
        continue;
      }
      // Bars [j, end) keep the position.
      int end = firstChange(signal, j - 1, n - 1, position) + 1;
      if (position != 0) {
        double returns = series.sumReturns[end - 1] - series.sumReturns[j - 1];
        double losses = series.sumLossSquares[end - 1] - series.sumLossSquares[j - 1];
        double gains = series.sumGainSquares[end - 1] - series.sumGainSquares[j - 1];
        sum += position > 0 ? returns : -returns;
        squares += losses + gains;
        downside += position > 0 ? losses : gains;
        inMarket += end - j;
      }
      while (j < end) {
        int stop = Math.min(end, nextSample + 1);
        if (position > 0) {
          e = holdLong(close, j, stop, e, drawdown);
        } else if (position < 0) {
          e = holdShort(barReturns, j, stop, e, drawdown);
        }
        j = stop;
        if (j - 1 == nextSample) {
          samples[sample++] = e;
          nextSample = sample < sampleCount ? EquityCurve.sampledBar(n, sample) : n;
        }
      }
    }
    int count = n - 1 - t0;
    double meanSquare = sum * sum / count;
    if (meanSquare > 0.5 * squares) {
      return exact(series, signal, t0, settings, samples);
    }
    return Engine.metrics(
        count,
        sum,
        squares - meanSquare,
        downside,
        e,
        drawdown[DRAWDOWN],
        trades,
        closed,
        wins,
        grossProfit,
        grossLoss,
        inMarket,
        settings.barsPerYear());
  }

  private static Engine.Metrics exact(
      PreparedSeries series, byte[] signal, int t0, Engine.Settings settings, double[] samples) {
    int n = series.barReturns.length;
    double[] equity = samples == null ? null : new double[n];
    Engine.Metrics metrics =
        Engine.run(
            series.bars, series.barReturns, signal, t0, settings, new double[n], null, equity);
    if (samples != null) {
      System.arraycopy(EquityCurve.samples(equity), 0, samples, 0, samples.length);
    }
    return metrics;
  }

  /**
   * Long over bars [from, to): the equity follows the close. Returns the equity at {@code to-1}.
   */
  private static double holdLong(double[] close, int from, int to, double e, double[] drawdown) {
    double base = e / close[from - 1];
    double peak = drawdown[PEAK];
    double trough = drawdown[TROUGH];
    double max = drawdown[DRAWDOWN];
    for (int k = from; k < to; k++) {
      double x = base * close[k];
      if (x > peak) {
        peak = x;
        trough = x;
      } else if (x < trough) {
        trough = x;
        double d = (peak - x) / peak;
        if (d > max) {
          max = d;
        }
      }
    }
    drawdown[PEAK] = peak;
    drawdown[TROUGH] = trough;
    drawdown[DRAWDOWN] = max;
    return base * close[to - 1];
  }

  /** Short over bars [from, to): the equity compounds {@code 1 - barReturn}. */
  private static double holdShort(
      double[] barReturns, int from, int to, double e, double[] drawdown) {
    double peak = drawdown[PEAK];
    double trough = drawdown[TROUGH];
    double max = drawdown[DRAWDOWN];
    for (int k = from; k < to; k++) {
      e *= 1.0 - barReturns[k];
      if (e > peak) {
        peak = e;
        trough = e;
      } else if (e < trough) {
        trough = e;
        double d = (peak - e) / peak;
        if (d > max) {
          max = d;
        }
      }
    }
    drawdown[PEAK] = peak;
    drawdown[TROUGH] = trough;
    drawdown[DRAWDOWN] = max;
    return e;
  }

  /** As {@link Engine#run}: the largest fall from a peak, checked at new lows only. */
  private static void track(double e, double[] drawdown) {
    if (e > drawdown[PEAK]) {
      drawdown[PEAK] = e;
      drawdown[TROUGH] = e;
    } else if (e < drawdown[TROUGH]) {
      drawdown[TROUGH] = e;
      double d = (drawdown[PEAK] - e) / drawdown[PEAK];
      if (d > drawdown[DRAWDOWN]) {
        drawdown[DRAWDOWN] = d;
      }
    }
  }

  /** The first index in [from, to) whose signal is not {@code position}, or {@code to}. */
  static int firstChange(byte[] signal, int from, int to, int position) {
    long same = (position & 0xFFL) * 0x0101010101010101L;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long diff = (long) LONGS.get(signal, i) ^ same;
      if (diff != 0) {
        return i + (Long.numberOfTrailingZeros(diff) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (signal[i] != position) {
        return i;
      }
    }
    return to;
  }
}
