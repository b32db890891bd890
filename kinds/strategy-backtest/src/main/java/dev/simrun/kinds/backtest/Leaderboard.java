package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.StrategyBacktestKind.DEFAULT_EQUITY_CURVES;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.METRIC_COLUMNS;

import dev.simrun.kinds.ResultTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The result's order: units by Sharpe descending, then unit index; the top units keep their equity
 * curves, in a chunk and in the final result; and the leaderboard as the rows of {@code
 * result.csv}.
 */
final class Leaderboard {

  private Leaderboard() {}

  /** Sharpe descending (null last), then unit index ascending: a total order on units. */
  static final Comparator<BacktestUnitResult> ORDER =
      Comparator.comparing(
              BacktestUnitResult::sharpe, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
          .thenComparingLong(BacktestUnitResult::unitIndex);

  /** Sorts the units; only the first {@code equityCurves} keep their curve. */
  static List<BacktestUnitResult> of(BacktestParams params, List<BacktestUnitResult> units) {
    int curves = params.equityCurves() == null ? DEFAULT_EQUITY_CURVES : params.equityCurves();
    List<BacktestUnitResult> sorted = new ArrayList<>(units);
    sorted.sort(ORDER);
    for (int i = curves; i < sorted.size(); i++) {
      if (sorted.get(i).equityCurve() != null) {
        sorted.set(i, sorted.get(i).withEquityCurve(null));
      }
    }
    return sorted;
  }

  /**
   * The results with the equity curves of the chunk's top {@code equityCurves} units (in
   * leaderboard order) attached, from the samples every unit recorded as it ran.
   */
  static List<BacktestUnitResult> withEquityCurves(
      BacktestPlan plan, List<BacktestUnitResult> results, List<double[]> samples) {
    if (plan.equityCurves() == 0 || results.isEmpty()) {
      return results;
    }
    long first = results.getFirst().unitIndex();
    List<BacktestUnitResult> out = new ArrayList<>(results);
    results.stream()
        .sorted(ORDER)
        .limit(plan.equityCurves())
        .forEach(
            unit -> {
              int at = (int) (unit.unitIndex() - first);
              out.set(at, unit.withEquityCurve(EquityCurve.of(plan.bars(), samples.get(at))));
            });
    return out;
  }

  /** The units, in leaderboard order, as rows ranked from 1; null metrics are empty. */
  static ResultTable table(Strategy strategy, List<BacktestUnitResult> units) {
    List<String> columns = new ArrayList<>(List.of("rank", "unit", "symbol"));
    strategy.params().forEach(spec -> columns.add(spec.name()));
    columns.addAll(METRIC_COLUMNS);
    Stream<List<?>> rows =
        IntStream.range(0, units.size())
            .mapToObj(
                rank -> {
                  BacktestUnitResult unit = units.get(rank);
                  List<Object> row = new ArrayList<>(columns.size());
                  row.add(rank + 1);
                  row.add(unit.unitIndex());
                  row.add(unit.symbol());
                  row.addAll(unit.params().values(strategy).values());
                  row.addAll(
                      Arrays.asList(
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
                          unit.exposure()));
                  return row;
                });
    return new ResultTable(columns, rows);
  }
}
