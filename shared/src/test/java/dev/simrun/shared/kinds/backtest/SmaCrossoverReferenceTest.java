package dev.simrun.shared.kinds.backtest;

import static dev.simrun.shared.kinds.backtest.BacktestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.simrun.shared.kinds.ChunkContext;
import dev.simrun.shared.kinds.UnitRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine against a plain, slow implementation of the rules written out afresh. */
class SmaCrossoverReferenceTest {

  private static final double EPS = 1e-12;

  /** Naive SMA, O(n · window): null before the window fills. */
  private static Double naiveSma(double[] closes, int t, int window) {
    if (t < window - 1) {
      return null;
    }
    double sum = 0;
    for (int k = t - window + 1; k <= t; k++) {
      sum += closes[k];
    }
    return sum / window;
  }

  private static SmaCrossover.Metrics reference(
      double[] closes, int fast, int slow, double commissionBps, double slippageBps) {
    int n = closes.length;
    double cost = (commissionBps + slippageBps) / 10_000;
    int[] position = new int[n];
    for (int t = 0; t < n; t++) {
      Double f = naiveSma(closes, t, fast);
      Double s = naiveSma(closes, t, slow);
      position[t] = (s != null && f > s) ? 1 : 0;
    }
    List<Double> returns = new ArrayList<>();
    int trades = 0;
    for (int t = slow - 1; t <= n - 2; t++) {
      int before = t == slow - 1 ? 0 : position[t - 1];
      double r = position[t] * (closes[t + 1] / closes[t] - 1);
      if (position[t] != before) {
        r -= cost;
        if (position[t] == 1) {
          trades++;
        }
      }
      returns.add(r);
    }
    double equity = 1;
    double peak = 1;
    double maxDrawdown = 0;
    for (double r : returns) {
      equity *= 1 + r;
      peak = Math.max(peak, equity);
      maxDrawdown = Math.max(maxDrawdown, (peak - equity) / peak);
    }
    double mean = returns.stream().mapToDouble(Double::doubleValue).sum() / returns.size();
    double squares = 0;
    for (double r : returns) {
      squares += (r - mean) * (r - mean);
    }
    double stdev = returns.size() > 1 ? Math.sqrt(squares / (returns.size() - 1)) : 0;
    double sharpe = stdev == 0 ? 0 : mean / stdev * Math.sqrt(252);
    return new SmaCrossover.Metrics(trades, equity - 1, maxDrawdown, sharpe);
  }

  private static void assertClose(SmaCrossover.Metrics actual, SmaCrossover.Metrics expected) {
    assertThat(actual.trades()).as("trades").isEqualTo(expected.trades());
    assertThat(actual.totalReturn())
        .as("totalReturn")
        .isCloseTo(expected.totalReturn(), within(EPS));
    assertThat(actual.maxDrawdown())
        .as("maxDrawdown")
        .isCloseTo(expected.maxDrawdown(), within(EPS));
    assertThat(actual.sharpe()).as("sharpe").isCloseTo(expected.sharpe(), within(EPS));
  }

  @Test
  void everyUnitMatchesTheReference() {
    BacktestParams p =
        params(List.of("AAA", "ZZ.Z"), 4_000, 7, List.of(1, 3, 20), List.of(2, 21, 200), 2.0, 1.5);
    StrategyBacktestKind kind = new StrategyBacktestKind();
    List<BacktestUnitResult> units =
        kind.runChunk(p, new UnitRange(0, kind.unitCount(p)), ChunkContext.NONE).units();
    assertThat(units).hasSize(2 * 7);
    for (BacktestUnitResult unit : units) {
      double[] closes = SyntheticPrices.generate(7, unit.symbol(), 4_000);
      SmaCrossover.Metrics expected = reference(closes, unit.fast(), unit.slow(), 2.0, 1.5);
      assertThat(unit.trades()).as("some trades in %s", unit).isPositive();
      assertClose(
          new SmaCrossover.Metrics(
              unit.trades(), unit.totalReturn(), unit.maxDrawdown(), unit.sharpe()),
          expected);
    }
  }

  @Test
  void handMadeSeriesWithoutCosts() {
    // Rises, falls, rises: the 1/2 crossover goes long on rising bars and flat on falling ones.
    double[] closes = {10, 11, 12, 11, 10, 11, 13, 12};
    SmaCrossover.Metrics metrics =
        SmaCrossover.run(closes, SmaCrossover.sma(closes, 1), SmaCrossover.sma(closes, 2), 2, 0.0);
    assertClose(metrics, reference(closes, 1, 2, 0, 0));
    // Long at t=1,2 (returns 12/11-1 and 11/12-1), flat at 3,4, long at 5,6 (13/11-1, 12/13-1).
    assertThat(metrics.trades()).isEqualTo(2);
    double expectedEquity = (12.0 / 11) * (11.0 / 12) * (13.0 / 11) * (12.0 / 13);
    assertThat(metrics.totalReturn()).isCloseTo(expectedEquity - 1, within(EPS));
  }

  @Test
  void costsAreChargedOnEntriesAndExits() {
    double[] closes = {10, 11, 12, 11, 10, 11, 13, 12};
    double[] fast = SmaCrossover.sma(closes, 1);
    double[] slow = SmaCrossover.sma(closes, 2);
    SmaCrossover.Metrics free = SmaCrossover.run(closes, fast, slow, 2, 0.0);
    SmaCrossover.Metrics costly = SmaCrossover.run(closes, fast, slow, 2, 0.01);
    // Entries at t=1 and t=5, exit at t=3: three changes.
    assertClose(costly, reference(closes, 1, 2, 60, 40));
    assertThat(costly.totalReturn()).isLessThan(free.totalReturn());
  }

  @Test
  void flatAllTheWayHasZeroMetrics() {
    double[] falling = {10, 9, 8, 7, 6, 5};
    SmaCrossover.Metrics metrics =
        SmaCrossover.run(
            falling, SmaCrossover.sma(falling, 1), SmaCrossover.sma(falling, 3), 3, 0.001);
    assertThat(metrics).isEqualTo(new SmaCrossover.Metrics(0, 0.0, 0.0, 0.0));
  }

  @Test
  void rollingSmaMatchesTheNaiveOne() {
    double[] closes = SyntheticPrices.generate(3, "SMA", 10_000);
    for (int window : new int[] {1, 2, 7, 64, 999, 10_000}) {
      double[] sma = SmaCrossover.sma(closes, window);
      for (int t = 0; t < closes.length; t++) {
        Double expected = naiveSma(closes, t, window);
        if (expected == null) {
          assertThat(sma[t]).isNaN();
        } else {
          assertThat(sma[t]).isCloseTo(expected, within(1e-9 * expected));
        }
      }
    }
  }
}
