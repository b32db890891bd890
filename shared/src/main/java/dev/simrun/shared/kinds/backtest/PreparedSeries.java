package dev.simrun.shared.kinds.backtest;

/**
 * A price series with what every unit on it shares: the bar returns and their running sums, so that
 * {@link FusedEngine} adds a whole run of bars with an unchanged position in O(1).
 *
 * <p>{@code sums[3t]}, {@code sums[3t+1]} and {@code sums[3t+2]} are the sums over bars {@code
 * 1..t} of the bar return {@code br}, of {@code min(br, 0)²} and of {@code max(br, 0)²} (side by
 * side: a run's end reads one cache line). A long position's returns over bars {@code a..b} are
 * those bar returns, a short one's their negatives, so their sum, sum of squares and downside are
 * differences of these sums.
 */
final class PreparedSeries {
  static final int RETURNS = 0;
  static final int LOSS_SQUARES = 1;
  static final int GAIN_SQUARES = 2;

  final Ohlc bars;
  final double[] sums;

  private PreparedSeries(Ohlc bars, double[] sums) {
    this.bars = bars;
    this.sums = sums;
  }

  static PreparedSeries of(Ohlc bars) {
    double[] close = bars.close();
    int n = close.length;
    double[] sums = new double[3 * n];
    double s = 0.0;
    double l = 0.0;
    double g = 0.0;
    for (int t = 1; t < n; t++) {
      double r = close[t] / close[t - 1] - 1.0;
      double loss = r < 0.0 ? r : 0.0;
      double gain = r < 0.0 ? 0.0 : r;
      s += r;
      l += loss * loss;
      g += gain * gain;
      sums[3 * t] = s;
      sums[3 * t + 1] = l;
      sums[3 * t + 2] = g;
    }
    return new PreparedSeries(bars, sums);
  }
}
