package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.SmaCrossoverReferenceTest.assertClose;
import static dev.simrun.kinds.backtest.SmaCrossoverReferenceTest.metricsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every strategy, both directions, every unit of a grid: the kind against the reference. */
class StrategyReferenceTest {

  static List<BacktestParams> grids() {
    BacktestParams.Data data =
        new BacktestParams.Data(
            new BacktestParams.Synthetic(List.of("AAA", "BBB"), 700, 11L), null);
    BacktestParams.Costs costs = new BacktestParams.Costs(1.0, 2.0);
    List<BacktestParams.Grid> grids =
        List.of(
            new BacktestParams.Grid(List.of(2, 10), List.of(5, 30)),
            new BacktestParams.Grid(List.of(3, 8), List.of(20, 40)),
            new BacktestParams.Grid(
                null,
                null,
                List.of(5, 14),
                List.of(30.0, 40.0),
                List.of(60.0, 70.0),
                null,
                null,
                null),
            new BacktestParams.Grid(
                null, null, List.of(10, 20), null, null, List.of(1.0, 2.0), null, null),
            new BacktestParams.Grid(
                null, null, null, null, null, null, List.of(5, 50), List.of(0.0, 0.002)));
    List<String> strategies = Strategy.ids();
    List<BacktestParams> all = new java.util.ArrayList<>();
    for (int i = 0; i < strategies.size(); i++) {
      for (String direction : StrategyBacktestKind.DIRECTIONS) {
        all.add(
            new BacktestParams(
                data, strategies.get(i), grids.get(i), costs, direction, 98_280.0, 0));
      }
    }
    return all;
  }

  @Test
  void everyUnitOfEveryStrategyMatchesTheReference() {
    for (BacktestParams p : grids()) {
      everyUnitMatchesTheReference(p);
    }
  }

  /** More bars than a block: the units of a group take turns over several blocks. */
  @Test
  void crossoversOverSeveralBlocksMatchTheReference() {
    int bars = 2 * ChunkRun.BLOCK_BARS + 123;
    BacktestParams.Data data =
        new BacktestParams.Data(
            new BacktestParams.Synthetic(List.of("AAA", "BBB"), bars, 11L), null);
    for (String strategy : List.of("sma-crossover", "ema-crossover")) {
      for (String direction : StrategyBacktestKind.DIRECTIONS) {
        everyUnitMatchesTheReference(
            new BacktestParams(
                data,
                strategy,
                new BacktestParams.Grid(List.of(3, 20), List.of(30, 150)),
                new BacktestParams.Costs(1.0, 2.0),
                direction,
                98_280.0,
                0),
            bars);
      }
    }
  }

  private static void everyUnitMatchesTheReference(BacktestParams p) {
    everyUnitMatchesTheReference(p, 700);
  }

  private static void everyUnitMatchesTheReference(BacktestParams p, int barCount) {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    assertThat(kind.validate(p)).isEmpty();
    Strategy strategy = Strategy.byId(p.strategy());
    boolean longShort = "long-short".equals(p.direction());
    List<BacktestUnitResult> units =
        kind.runChunk(p, new UnitRange(0, kind.unitCount(p)), ChunkContext.NONE).units();
    int traded = 0;
    for (BacktestUnitResult unit : units) {
      Ohlc bars = SyntheticPrices.generateBars(11, unit.symbol(), barCount);
      double[] point =
          unit.params().values(strategy).values().stream()
              .mapToDouble(v -> ((Number) v).doubleValue())
              .toArray();
      Integer[] signal = ReferenceBacktest.signals(strategy, point, bars.close(), longShort);
      ReferenceBacktest.Run run =
          ReferenceBacktest.execute(bars.open(), bars.close(), signal, 1.0, 2.0);
      assertClose(metricsOf(unit), ReferenceBacktest.metrics(run, 98_280.0), 1e-9);
      traded += unit.trades() > 0 ? 1 : 0;
    }
    assertThat(traded).as("units with trades in %s %s", p.strategy(), p.direction()).isPositive();
  }
}
