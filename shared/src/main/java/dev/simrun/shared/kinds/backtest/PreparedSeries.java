package dev.simrun.shared.kinds.backtest;

/**
 * A price series with what every unit on it shares: the bar returns and their running sums, so that
 * {@link FusedEngine} adds a whole run of bars with an unchanged position in O(1).
 *
 * <p>{@code sumReturns[t]}, {@code sumLossSquares[t]} and {@code sumGainSquares[t]} are the sums
 * over bars {@code 1..t} of the bar return {@code br}, of {@code min(br, 0)²} and of {@code max(br,
 * 0)²}. A long position's returns over bars {@code a..b} are those bar returns, a short one's their
 * negatives, so their sum, sum of squares and downside are differences of these sums.
 */
final class PreparedSeries {
  final Ohlc bars;
  final double[] barReturns;
  final double[] sumReturns;
  final double[] sumLossSquares;
  final double[] sumGainSquares;

  private PreparedSeries(
      Ohlc bars,
      double[] barReturns,
      double[] sumReturns,
      double[] sumLossSquares,
      double[] sumGainSquares) {
    this.bars = bars;
    this.barReturns = barReturns;
    this.sumReturns = sumReturns;
    this.sumLossSquares = sumLossSquares;
    this.sumGainSquares = sumGainSquares;
  }

  static PreparedSeries of(Ohlc bars) {
    double[] br = Indicators.barReturns(bars.close());
    int n = br.length;
    double[] sum = new double[n];
    double[] loss = new double[n];
    double[] gain = new double[n];
    double s = 0.0;
    double l = 0.0;
    double g = 0.0;
    for (int t = 1; t < n; t++) {
      double r = br[t];
      s += r;
      if (r < 0.0) {
        l += r * r;
      } else {
        g += r * r;
      }
      sum[t] = s;
      loss[t] = l;
      gain[t] = g;
    }
    return new PreparedSeries(bars, br, sum, loss, gain);
  }
}
