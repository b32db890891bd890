package dev.simrun.kinds.backtest;

import dev.simrun.kinds.ChunkContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parameters and contexts shared by the strategy-backtest tests. */
final class BacktestFixtures {

  private BacktestFixtures() {}

  static BacktestParams params(
      List<String> symbols,
      int bars,
      long seed,
      List<Integer> fast,
      List<Integer> slow,
      double commissionBps,
      double slippageBps) {
    return new BacktestParams(
        new BacktestParams.Data(new BacktestParams.Synthetic(symbols, bars, seed), null),
        StrategyBacktestKind.SMA_CROSSOVER,
        new BacktestParams.Grid(fast, slow),
        new BacktestParams.Costs(commissionBps, slippageBps));
  }

  /** The example from the API docs. */
  static BacktestParams example() {
    return params(List.of("AAA", "BBB"), 100_000, 42, List.of(5, 10, 20), List.of(50, 100), 1, 0.5);
  }

  /** A context recording progress calls, cancelled once {@code cancelAfter} checks have passed. */
  static final class RecordingContext implements ChunkContext {
    final List<Double> fractions = new ArrayList<>();
    final List<Map<String, Object>> details = new ArrayList<>();
    private final int cancelAfter;
    int checks;

    RecordingContext(int cancelAfter) {
      this.cancelAfter = cancelAfter;
    }

    @Override
    public void progress(double fractionDone, Map<String, Object> details) {
      fractions.add(fractionDone);
      this.details.add(details);
    }

    @Override
    public boolean cancelled() {
      return checks++ >= cancelAfter;
    }
  }
}
