package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.StrategyBacktestKind.DEFAULT_BARS_PER_YEAR;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.DEFAULT_EQUITY_CURVES;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.LONG_SHORT;

import dev.simrun.kinds.Datasets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Valid parameters resolved into the unit layout: unit {@code u} is grid point {@code u %
 * points.length} on symbol {@code u / points.length}.
 */
record BacktestPlan(
    List<String> symbols,
    int bars,
    long seed,
    String dataset,
    Strategy strategy,
    double[][] points,
    Engine.Settings settings,
    boolean longShort,
    int equityCurves) {

  long units() {
    return (long) symbols.size() * points.length;
  }

  /**
   * The plan of valid parameters, a dataset's read from {@code datasets}.
   *
   * @throws IllegalArgumentException when the dataset is gone
   */
  static BacktestPlan of(BacktestParams params, Datasets datasets) {
    BacktestParams.Synthetic synthetic = params.data().synthetic();
    String dataset = params.data().dataset();
    Strategy strategy = Strategy.byId(params.strategy());
    List<double[]> lists = new ArrayList<>();
    Map<String, List<? extends Number>> given = params.grid().given();
    for (Strategy.ParamSpec spec : strategy.params()) {
      List<? extends Number> values = given.get(spec.name());
      lists.add(
          values == null
              ? spec.defaults().stream().mapToDouble(Double::doubleValue).toArray()
              : values.stream().mapToDouble(Number::doubleValue).distinct().sorted().toArray());
    }
    double[][] points = points(strategy, lists);
    BacktestParams.Costs costs = params.costs();
    double commission = 0.0;
    double slippage = 0.0;
    if (costs != null) {
      commission = costs.commissionBps() == null ? 0.0 : costs.commissionBps() / 10_000.0;
      slippage = costs.slippageBps() == null ? 0.0 : costs.slippageBps() / 10_000.0;
    }
    Engine.Settings settings =
        new Engine.Settings(
            commission,
            slippage,
            params.barsPerYear() == null ? DEFAULT_BARS_PER_YEAR : params.barsPerYear());
    boolean longShort = LONG_SHORT.equals(params.direction());
    int curves = params.equityCurves() == null ? DEFAULT_EQUITY_CURVES : params.equityCurves();
    if (dataset != null) {
      Datasets.Info info =
          datasets
              .info(dataset)
              .orElseThrow(() -> new IllegalArgumentException("no dataset " + dataset));
      return new BacktestPlan(
          List.of(info.name()),
          info.rows(),
          0,
          dataset,
          strategy,
          points,
          settings,
          longShort,
          curves);
    }
    return new BacktestPlan(
        List.copyOf(synthetic.symbols()),
        synthetic.bars(),
        synthetic.seed(),
        null,
        strategy,
        points,
        settings,
        longShort,
        curves);
  }

  /** The valid points of the cartesian product of the lists, the first varying slowest. */
  static double[][] points(Strategy strategy, List<double[]> lists) {
    List<double[]> points = new ArrayList<>();
    int[] at = new int[lists.size()];
    while (true) {
      double[] point = new double[lists.size()];
      for (int i = 0; i < point.length; i++) {
        point[i] = lists.get(i)[at[i]];
      }
      if (strategy.valid(point)) {
        points.add(point);
      }
      int i = at.length - 1;
      while (i >= 0 && ++at[i] == lists.get(i).length) {
        at[i] = 0;
        i--;
      }
      if (i < 0) {
        return points.toArray(new double[0][]);
      }
    }
  }
}
