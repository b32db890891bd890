package dev.simrun.kinds.backtest;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a {@code strategy-backtest}, e.g.
 *
 * <pre>{@code
 * {"data": {"synthetic": {"symbols": ["AAA", "BBB"], "bars": 100000, "seed": 42}},
 *  "strategy": "sma-crossover",
 *  "grid": {"fast": [5, 10, 20], "slow": [50, 100]},
 *  "costs": {"commissionBps": 1.0, "slippageBps": 0.5},
 *  "direction": "long-only", "barsPerYear": 252, "equityCurves": 5}
 * }</pre>
 *
 * <p>Every component is nullable so that a request missing a part still parses and {@link
 * StrategyBacktestKind#validate} can name the missing field. {@code costs} (and each of its fields)
 * defaults to 0, {@code direction} to {@code long-only}, {@code barsPerYear} to 252 and {@code
 * equityCurves} to 5. See {@code docs/strategy-backtest.md}.
 *
 * @param data where the prices come from
 * @param strategy the strategy's name, one of {@link Strategy#ids()}
 * @param grid the strategy parameters to sweep
 * @param costs trading costs; optional
 * @param direction {@code long-only} or {@code long-short}; optional
 * @param barsPerYear bars in a year, for annualized metrics; optional
 * @param equityCurves how many of the leaderboard's top units carry their equity curve; optional
 */
@Serdeable
public record BacktestParams(
    @Nullable Data data,
    @Nullable String strategy,
    @Nullable Grid grid,
    @Nullable Costs costs,
    @Nullable String direction,
    @Nullable Double barsPerYear,
    @Nullable Integer equityCurves) {

  @Creator
  public BacktestParams {}

  /** With the defaults for direction, annualization and equity curves. */
  public BacktestParams(
      @Nullable Data data, @Nullable String strategy, @Nullable Grid grid, @Nullable Costs costs) {
    this(data, strategy, grid, costs, null, null, null);
  }

  /**
   * The price data: exactly one source, generated ({@code synthetic}) or an uploaded dataset's OHLC
   * bars ({@code {"dataset": "<id>"}}, one series named after the dataset).
   */
  @Serdeable
  public record Data(@Nullable Synthetic synthetic, @Nullable String dataset) {}

  /**
   * Generated bars (see {@link SyntheticPrices}).
   *
   * @param symbols the symbols to generate, one series each
   * @param bars the length of each series
   * @param seed the seed every series derives from
   */
  @Serdeable
  public record Synthetic(
      @Nullable List<String> symbols, @Nullable Integer bars, @Nullable Long seed) {}

  /**
   * The values to sweep, one list per parameter of the strategy (see {@link Strategy}); a parameter
   * with a default may be left out. The grid points are the cartesian product of the lists, each
   * sorted ascending, the first parameter varying slowest; points the strategy rejects (e.g. {@code
   * fast >= slow}) are skipped.
   */
  @Serdeable
  public record Grid(
      @Nullable List<Integer> fast,
      @Nullable List<Integer> slow,
      @Nullable List<Integer> period,
      @Nullable List<Double> lower,
      @Nullable List<Double> upper,
      @Nullable List<Double> k,
      @Nullable List<Integer> lookback,
      @Nullable List<Double> threshold) {

    @Creator
    public Grid {}

    /** An {@code sma-crossover} or {@code ema-crossover} grid. */
    public Grid(@Nullable List<Integer> fast, @Nullable List<Integer> slow) {
      this(fast, slow, null, null, null, null, null, null);
    }

    /** The lists given, by parameter name, in declaration order. */
    public Map<String, List<? extends Number>> given() {
      Map<String, List<? extends Number>> lists = new LinkedHashMap<>();
      put(lists, "fast", fast);
      put(lists, "slow", slow);
      put(lists, "period", period);
      put(lists, "lower", lower);
      put(lists, "upper", upper);
      put(lists, "k", k);
      put(lists, "lookback", lookback);
      put(lists, "threshold", threshold);
      return lists;
    }

    private static void put(
        Map<String, List<? extends Number>> lists, String name, List<? extends Number> values) {
      if (values != null) {
        lists.put(name, values);
      }
    }
  }

  /**
   * Costs in basis points: commission of traded notional, charged on every fill; slippage, by which
   * every fill is worse than the bar's open. Missing values are 0.
   */
  @Serdeable
  public record Costs(@Nullable Double commissionBps, @Nullable Double slippageBps) {}
}
