package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.BacktestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine against {@link ReferenceBacktest}, a plain, slow implementation of the rules written
 * out afresh. Since the execution model moved from trading at the close to filling at the next
 * open, these compare with the new model; the hand-made cases are recomputed by hand for it.
 */
class SmaCrossoverReferenceTest {

  private static final double EPS = 1e-12;

  static void assertClose(Engine.Metrics actual, Engine.Metrics expected, double eps) {
    assertThat(actual.trades()).as("trades").isEqualTo(expected.trades());
    assertNullableClose("totalReturn", actual.totalReturn(), expected.totalReturn(), eps);
    assertNullableClose("cagr", actual.cagr(), expected.cagr(), eps);
    assertNullableClose("volatility", actual.volatility(), expected.volatility(), eps);
    assertNullableClose("sharpe", actual.sharpe(), expected.sharpe(), eps);
    assertNullableClose("sortino", actual.sortino(), expected.sortino(), eps);
    assertNullableClose("maxDrawdown", actual.maxDrawdown(), expected.maxDrawdown(), eps);
    assertNullableClose("calmar", actual.calmar(), expected.calmar(), eps);
    assertNullableClose("winRate", actual.winRate(), expected.winRate(), eps);
    assertNullableClose("profitFactor", actual.profitFactor(), expected.profitFactor(), eps);
    assertNullableClose("exposure", actual.exposure(), expected.exposure(), eps);
  }

  /** Equal within a tolerance relative to the larger magnitude (absolute below 1). */
  static void assertNullableClose(String what, Double actual, Double expected, double eps) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
      return;
    }
    assertThat(actual).as(what).isNotNull();
    double scale = Math.max(1.0, Math.max(Math.abs(actual), Math.abs(expected)));
    assertThat(actual).as(what).isCloseTo(expected, within(eps * scale));
  }

  static Engine.Metrics metricsOf(BacktestUnitResult unit) {
    return new Engine.Metrics(
        unit.trades(),
        unit.totalReturn(),
        unit.cagr(),
        unit.volatility(),
        unit.sharpe(),
        unit.sortino(),
        unit.maxDrawdown(),
        unit.calmar(),
        unit.winRate(),
        unit.profitFactor(),
        unit.exposure());
  }

  private static Engine.Metrics engine(
      double[] open, double[] close, int fast, int slow, double commission, double slippage) {
    Ohlc bars = new Ohlc(open, open, open, close);
    byte[] signal = new byte[close.length];
    Strategy.SMA_CROSSOVER.signals(
        new IndicatorCache(bars, 0), new double[] {fast, slow}, false, signal);
    return Engine.run(
        bars,
        Indicators.barReturns(close),
        signal,
        slow - 1,
        new Engine.Settings(commission / 10_000, slippage / 10_000, 252),
        new double[close.length],
        null,
        null);
  }

  private static Engine.Metrics reference(
      double[] open, double[] close, int fast, int slow, double commission, double slippage) {
    Integer[] signal =
        ReferenceBacktest.signals(Strategy.SMA_CROSSOVER, new double[] {fast, slow}, close, false);
    return ReferenceBacktest.metrics(
        ReferenceBacktest.execute(open, close, signal, commission, slippage), 252);
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
      Ohlc bars = SyntheticPrices.generateBars(7, unit.symbol(), 4_000);
      Engine.Metrics expected =
          reference(
              bars.open(), bars.close(), unit.params().fast(), unit.params().slow(), 2.0, 1.5);
      assertThat(unit.trades()).as("some trades in %s", unit).isPositive();
      assertClose(metricsOf(unit), expected, 1e-9);
    }
  }

  @Test
  void handMadeSeriesWithoutCosts() {
    // Rises, falls, rises: the 1/2 crossover wants long after rising closes, flat after falling.
    double[] close = {10, 11, 12, 11, 10, 11, 13, 12};
    double[] open = {10, 10.5, 11.5, 11.5, 10.5, 10.5, 12, 12.5};
    Engine.Metrics metrics = engine(open, close, 1, 2, 0, 0);
    assertClose(metrics, reference(open, close, 1, 2, 0, 0), EPS);
    // Signals after bars 1..6: long, long, flat, flat, long, long. Fills at the next open:
    // buy at open[2] = 11.5, sell at open[4] = 10.5; buy at open[6] = 12, still long at the end
    // (marked at close[7] = 12).
    assertThat(metrics.trades()).isEqualTo(2);
    double expectedEquity = (10.5 / 11.5) * (12.0 / 12.0);
    assertThat(metrics.totalReturn()).isCloseTo(expectedEquity - 1, within(EPS));
    assertThat(metrics.winRate()).isEqualTo(0.0); // the one closed trade lost
    assertThat(metrics.profitFactor()).isEqualTo(0.0); // no gross profit over some gross loss
  }

  @Test
  void costsAreChargedOnEveryFillAndSlippageWorsensThePrice() {
    double[] close = {10, 11, 12, 11, 10, 11, 13, 12};
    double[] open = {10, 10.5, 11.5, 11.5, 10.5, 10.5, 12, 12.5};
    Engine.Metrics free = engine(open, close, 1, 2, 0, 0);
    Engine.Metrics costly = engine(open, close, 1, 2, 60, 40);
    assertClose(costly, reference(open, close, 1, 2, 60, 40), EPS);
    // Three fills: buy at 11.5 × 1.004, sell at 10.5 × 0.996, buy at 12 × 1.004, each charged
    // 0.6 % commission; the open position is marked at close 12.
    double expected =
        (10.5 * 0.996) / (11.5 * 1.004) * Math.pow(1 - 0.006, 3) * (12.0 / (12 * 1.004));
    assertThat(costly.totalReturn()).isCloseTo(expected - 1, within(EPS));
    assertThat(costly.totalReturn()).isLessThan(free.totalReturn());
  }

  @Test
  void flatAllTheWayHasZeroOrNullMetrics() {
    double[] falling = {10, 9, 8, 7, 6, 5};
    Engine.Metrics metrics = engine(falling, falling, 1, 3, 10, 10);
    assertThat(metrics)
        .isEqualTo(new Engine.Metrics(0, 0.0, 0.0, 0.0, 0.0, null, 0.0, null, null, null, 0.0));
  }

  @Test
  void theSignalOfTheLastBarIsNotTraded() {
    // The 1/2 crossover turns long only after the last bar: nothing to fill.
    double[] close = {10, 9, 8, 7, 8};
    assertThat(engine(close, close, 1, 2, 0, 0).trades()).isZero();
  }
}
