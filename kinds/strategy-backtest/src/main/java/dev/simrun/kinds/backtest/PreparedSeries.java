package dev.simrun.kinds.backtest;

/**
 * A price series with what every unit on it shares: the running sums of its bar returns ({@link
 * Indicators#barReturns}), so that {@link FusedEngine} adds a whole run of bars with an unchanged
 * position in O(1).
 *
 * <p>For bar {@code t}, {@code sums[3(t-base)]}, {@code sums[3(t-base)+1]} and {@code
 * sums[3(t-base)+2]} are the sums over bars {@code 1..t} of the bar return {@code br}, of {@code
 * min(br, 0)²} and of {@code max(br, 0)²} (side by side: a run's end reads one cache line). A long
 * position's returns over bars {@code a..b} are those bar returns, a short one's their negatives,
 * so their sum, sum of squares and downside are differences of these sums. Held for the whole
 * series ({@link #of}) or a block of bars at a time ({@link #streaming}, {@link #advanceTo}).
 */
final class PreparedSeries {
  static final int RETURNS = 0;
  static final int LOSS_SQUARES = 1;
  static final int GAIN_SQUARES = 2;

  final Ohlc bars;
  final double[] sums;
  int base;
  private int next;
  private double returns;
  private double losses;
  private double gains;

  private PreparedSeries(Ohlc bars, int capacity) {
    this.bars = bars;
    this.sums = new double[3 * capacity];
  }

  /** The sums of the whole series. */
  static PreparedSeries of(Ohlc bars) {
    PreparedSeries series = new PreparedSeries(bars, bars.close().length);
    series.advanceTo(bars.close().length);
    return series;
  }

  /** The sums a block of at most {@code blockBars} bars at a time, from none. */
  static PreparedSeries streaming(Ohlc bars, int blockBars) {
    return new PreparedSeries(bars, Math.min(bars.close().length, blockBars + 1));
  }

  /** Computes the bars from the last computed one up to {@code limit}, keeping the one before. */
  void advanceTo(int limit) {
    if (next > 0) {
      System.arraycopy(sums, 3 * (next - 1 - base), sums, 0, 3);
      base = next - 1;
    }
    if (3 * (limit - base) > sums.length) {
      throw new IllegalArgumentException("a block of at most " + (sums.length / 3 - 1) + " bars");
    }
    double[] close = bars.close();
    double s = returns;
    double l = losses;
    double g = gains;
    for (int t = Math.max(next, 1); t < limit; t++) {
      double r = close[t] / close[t - 1] - 1.0;
      // Branch-free: a return's sign is a coin toss the CPU cannot predict.
      double loss = Math.min(r, 0.0);
      double gain = Math.max(r, 0.0);
      s += r;
      l += loss * loss;
      g += gain * gain;
      int i = 3 * (t - base);
      sums[i] = s;
      sums[i + 1] = l;
      sums[i + 2] = g;
    }
    returns = s;
    losses = l;
    gains = g;
    next = Math.max(next, limit);
  }
}
