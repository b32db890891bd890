package dev.simrun.kinds.backtest;

/**
 * {@link Engine}'s execution model in one pass over the bars, for the worker: the same fills,
 * equity and metrics, without a store per bar. One instance is one unit's run; {@link #advance}
 * moves it forward to a bar, so that the units of a series can take turns over blocks of bars that
 * stay in the CPU cache.
 *
 * <p>Between two fills the position is unchanged, so the run of bars in between needs no per-bar
 * work for its returns: their sum, sum of squares and downside are differences of {@link
 * PreparedSeries}' running sums. Only the drawdown needs the equity of every bar, and only while in
 * the market: long, the equity is proportional to the close; short, it compounds {@code 1 -
 * barReturn} as in {@link Engine}. The {@link Signal} finds where a run ends (8 written positions
 * at a time, or straight from a crossover's two averages). The variance comes from the sum and the
 * sum of squares; when the mean is so large next to the deviation that this loses more than a bit
 * (a per-bar Sharpe ratio near 1, e.g. returns that are all equal), the unit is run again by {@link
 * Engine}, which subtracts the mean first.
 */
final class FusedEngine {

  private static final int PEAK = 0;
  private static final int TROUGH = 1;
  private static final int DRAWDOWN = 2;

  private final PreparedSeries series;
  private final Signal signal;
  private final int t0;
  private final Engine.Settings settings;
  private final double commission;
  private final double buy;
  private final double sell;
  private final double[] samples;
  private final int sampleCount;
  private final int n;
  private final double[] drawdown = {1.0, 1.0, 0.0};
  private int sample;
  private int nextSample;
  private int bar;
  private int position;
  private int trades;
  private int closed;
  private int wins;
  private int inMarket;
  private double grossProfit;
  private double grossLoss;
  private double tradeStart = 1.0;
  private double equity = 1.0;
  private double sum;
  private double squares;
  private double downside;

  /**
   * A run at its start.
   *
   * @param signal the target positions; read at {@code [t0, n-2]}
   * @param t0 the first bar with a defined signal, {@code 0 <= t0 <= n-2}
   * @param samples receives the equity at the bars of {@link EquityCurve#sampledBar}, or null; its
   *     length is {@code min(n, EquityCurve.MAX_POINTS)}
   */
  FusedEngine(
      PreparedSeries series, Signal signal, int t0, Engine.Settings settings, double[] samples) {
    this.n = series.bars.close().length;
    if (t0 < 0 || t0 > n - 2) {
      throw new IllegalArgumentException("t0 must be in 0.." + (n - 2) + ", got " + t0);
    }
    this.series = series;
    this.signal = signal;
    this.t0 = t0;
    this.settings = settings;
    this.commission = settings.commission();
    this.buy = 1.0 + settings.slippage();
    this.sell = 1.0 - settings.slippage();
    this.samples = samples;
    this.sampleCount = samples == null ? 0 : samples.length;
    while (sample < sampleCount && EquityCurve.sampledBar(n, sample) <= t0) {
      samples[sample++] = 1.0;
    }
    this.nextSample = sample < sampleCount ? EquityCurve.sampledBar(n, sample) : n;
    this.bar = t0 + 1;
  }

  /** Runs the model as {@link Engine#run} does, all bars at once. */
  static Engine.Metrics run(
      PreparedSeries series, Signal signal, int t0, Engine.Settings settings, double[] samples) {
    FusedEngine run = new FusedEngine(series, signal, t0, settings, samples);
    run.advance(series.bars.close().length);
    return run.metrics();
  }

  /** Processes the bars before {@code limit} ({@code <= n}) not processed yet. */
  void advance(int limit) {
    double[] close = series.bars.close();
    int j = bar;
    while (j < limit) {
      int next = signal.at(j - 1);
      if (next != position) {
        fill(j, next);
        j++;
        continue;
      }
      // Bars [j, end) keep the position.
      int end = signal.firstChange(j - 1, limit - 1, position) + 1;
      if (position != 0) {
        double[] sums = series.sums;
        int a = 3 * (j - 1 - series.base);
        int b = 3 * (end - 1 - series.base);
        double returns = sums[b + PreparedSeries.RETURNS] - sums[a + PreparedSeries.RETURNS];
        double losses =
            sums[b + PreparedSeries.LOSS_SQUARES] - sums[a + PreparedSeries.LOSS_SQUARES];
        double gains =
            sums[b + PreparedSeries.GAIN_SQUARES] - sums[a + PreparedSeries.GAIN_SQUARES];
        sum += position > 0 ? returns : -returns;
        squares += losses + gains;
        downside += position > 0 ? losses : gains;
        inMarket += end - j;
      }
      while (j < end) {
        int stop = Math.min(end, nextSample + 1);
        if (position > 0) {
          equity = holdLong(close, j, stop, equity, drawdown);
        } else if (position < 0) {
          equity = holdShort(close, j, stop, equity, drawdown);
        }
        j = stop;
        if (j - 1 == nextSample) {
          takeSample();
        }
      }
    }
    bar = j;
  }

  /** Bar {@code j} fills the change from {@code position} to {@code next} at its open. */
  private void fill(int j, int next) {
    double[] open = series.bars.open();
    double[] close = series.bars.close();
    double e = equity;
    double fill = open[j] * (next > position ? buy : sell);
    if (position != 0) {
      e *= 1.0 + position * (fill / close[j - 1] - 1.0);
      e *= 1.0 - commission;
      double pnl = e - tradeStart;
      closed++;
      if (Engine.isWin(pnl, tradeStart)) {
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
    double r = e / equity - 1.0;
    equity = e;
    sum += r;
    squares += r * r;
    if (r < 0.0) {
      downside += r * r;
    }
    track(e, drawdown);
    if (j == nextSample) {
      takeSample();
    }
  }

  private void takeSample() {
    samples[sample++] = equity;
    nextSample = sample < sampleCount ? EquityCurve.sampledBar(n, sample) : n;
  }

  /** The metrics once every bar is processed. */
  Engine.Metrics metrics() {
    if (bar < n) {
      throw new IllegalStateException("bars " + bar + ".." + (n - 1) + " are not processed yet");
    }
    int count = n - 1 - t0;
    double meanSquare = sum * sum / count;
    if (meanSquare > 0.5 * squares) {
      return exact();
    }
    return Engine.metrics(
        count,
        sum,
        squares - meanSquare,
        downside,
        equity,
        drawdown[DRAWDOWN],
        trades,
        closed,
        wins,
        grossProfit,
        grossLoss,
        inMarket,
        settings.barsPerYear());
  }

  private Engine.Metrics exact() {
    Signal whole = signal.whole();
    byte[] positions = new byte[n];
    for (int t = t0; t < n - 1; t++) {
      positions[t] = (byte) whole.at(t);
    }
    double[] full = samples == null ? null : new double[n];
    Engine.Metrics metrics =
        Engine.run(
            series.bars,
            Indicators.barReturns(series.bars.close()),
            positions,
            t0,
            settings,
            new double[n],
            null,
            full);
    if (samples != null) {
      System.arraycopy(EquityCurve.samples(full), 0, samples, 0, samples.length);
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
  private static double holdShort(double[] close, int from, int to, double e, double[] drawdown) {
    double peak = drawdown[PEAK];
    double trough = drawdown[TROUGH];
    double max = drawdown[DRAWDOWN];
    for (int k = from; k < to; k++) {
      e *= 1.0 - (close[k] / close[k - 1] - 1.0);
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
}
