package dev.simrun.kinds.backtest;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.ResultTable;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strategy-backtest}: a trading strategy swept over a parameter grid on several symbols. The
 * rules are written out in {@code docs/strategy-backtest.md}; in short:
 *
 * <h2>Units</h2>
 *
 * One unit is one (symbol, grid point). The grid points are the cartesian product of the strategy's
 * parameter lists (see {@link Strategy}), each list sorted ascending (duplicates are rejected), the
 * first parameter varying slowest; points the strategy rejects (e.g. {@code fast >= slow}) are
 * skipped. Unit {@code u = symbolIndex * gridPoints + pointIndex}, symbols in the order given, so
 * consecutive units share a symbol ({@link BacktestPlan}). {@link BacktestValidation} checks the
 * parameters against the limits below.
 *
 * <h2>Data</h2>
 *
 * {@code data.synthetic}: one OHLC series per symbol from {@link SyntheticPrices} (deterministic in
 * seed and symbol), cached per worker so the chunks of one simulation generate it once. {@code
 * data.dataset}: the uploaded dataset's bars, one series named after the dataset.
 *
 * <h2>Engine</h2>
 *
 * The strategy's signal on bar {@code t}'s close is filled at bar {@code t+1}'s open, with slippage
 * and commission in basis points, long-only or long-short ({@link Engine}). Within a chunk ({@link
 * ChunkRun}), the indicators of the current symbol are computed once per key and reused by the
 * chunk's units, up to a budget of {@value #INDICATOR_CACHE_DOUBLES} doubles.
 *
 * <h2>Result</h2>
 *
 * Every unit's metrics, sorted by Sharpe descending, then unit index ascending ({@link
 * Leaderboard}); the first {@code equityCurves} units carry their equity curve. Each chunk attaches
 * curves to its own top units (the global top units are among them) and reduce keeps those of the
 * global top only. A unit's numbers depend only on the parameters and the unit, so the result is
 * bit-identical for any chunking.
 */
@Singleton
public final class StrategyBacktestKind
    implements SimulationKind<BacktestParams, BacktestChunkResult, BacktestResult> {

  public static final String NAME = "strategy-backtest";
  public static final String SMA_CROSSOVER = "sma-crossover";
  public static final List<String> STRATEGIES = Strategy.ids();
  public static final String LONG_ONLY = "long-only";
  public static final String LONG_SHORT = "long-short";
  public static final List<String> DIRECTIONS = List.of(LONG_ONLY, LONG_SHORT);

  public static final int MAX_SYMBOLS = 100;
  public static final String SYMBOL_PATTERN = "[A-Za-z0-9._-]{1,16}";
  public static final int MIN_BARS = 2;
  public static final int MAX_BARS = 2_000_000;

  /** The most values one grid list may hold. */
  public static final int MAX_GRID_VALUES = 50;

  public static final double MAX_COST_BPS = 1000.0;
  public static final long MAX_UNITS = 100_000L;
  public static final double DEFAULT_BARS_PER_YEAR = 252.0;
  public static final double MAX_BARS_PER_YEAR = 1_000_000.0;
  public static final int DEFAULT_EQUITY_CURVES = 5;
  public static final int MAX_EQUITY_CURVES = 20;

  /** The most units × bars one simulation may ask for: a bound on its total work. */
  public static final long MAX_WORK = 2_000_000_000L;

  /**
   * Generating or decoding one symbol's bars and preparing what its units share (returns, running
   * sums), per bar, on one core: what a chunk spends before its first unit, per symbol it reads.
   */
  static final double SETUP_NANOS_PER_BAR = 10;

  /**
   * CPU time of one unit-bar on one core of this 2-core machine, per strategy (CPU time of {@code
   * runChunk} over 10 units of one 1,000,000-bar series with costs;
   * bench/results/strategy-engine.md for sma-crossover): the planner sizes chunks from it.
   */
  static double nanosPerUnitBar(Strategy strategy) {
    return switch (strategy) {
      case SMA_CROSSOVER -> 4;
      case EMA_CROSSOVER -> 6;
      case RSI_REVERSION, MOMENTUM -> 9;
      case BOLLINGER_BREAKOUT -> 15;
    };
  }

  /** The most doubles of indicator arrays a chunk keeps for reuse (64 MB). */
  public static final long INDICATOR_CACHE_DOUBLES = 8_000_000L;

  private final SyntheticPrices prices;
  private final Datasets datasets;

  /** On generated prices only: for direct runs and tests. */
  public StrategyBacktestKind() {
    this(new SyntheticPrices(), Datasets.NONE);
  }

  @Inject
  public StrategyBacktestKind(Datasets datasets) {
    this(new SyntheticPrices(), datasets);
  }

  /** With a given price source, e.g. to observe its cache in tests. */
  public StrategyBacktestKind(SyntheticPrices prices) {
    this(prices, Datasets.NONE);
  }

  public StrategyBacktestKind(SyntheticPrices prices, Datasets datasets) {
    this.prices = prices;
    this.datasets = datasets;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<BacktestParams> paramsType() {
    return BacktestParams.class;
  }

  @Override
  public Class<BacktestChunkResult> chunkResultType() {
    return BacktestChunkResult.class;
  }

  @Override
  public Class<BacktestResult> resultType() {
    return BacktestResult.class;
  }

  // ---------------------------------------------------------------------------------- validate

  @Override
  public List<FieldError> validate(BacktestParams params) {
    return BacktestValidation.errors(params, datasets);
  }

  private BacktestPlan plan(BacktestParams params) {
    return BacktestPlan.of(params, datasets);
  }

  @Override
  public List<String> datasetIds(BacktestParams params) {
    return params.data() != null && params.data().dataset() != null
        ? List.of(params.data().dataset())
        : List.of();
  }

  @Override
  public long unitCount(BacktestParams params) {
    return plan(params).units();
  }

  /**
   * Every strategy on 50,000 synthetic bars: its windows at 10 and 40 bars (the first window the
   * shorter), its other parameters at their defaults.
   */
  @Override
  public List<String> warmUpParams() {
    List<String> all = new ArrayList<>();
    for (Strategy s : Strategy.values()) {
      StringBuilder grid = new StringBuilder();
      int windows = 0;
      for (Strategy.ParamSpec spec : s.params()) {
        if (spec.defaults() == null) {
          grid.append(grid.isEmpty() ? "" : ", ")
              .append('"')
              .append(spec.name())
              .append("\": [")
              .append(windows++ == 0 ? 10 : 40)
              .append(']');
        }
      }
      all.add(
          "{\"data\": {\"synthetic\": {\"symbols\": [\"WARM\"], \"bars\": 50000, \"seed\":"
              + " 1}}, \"strategy\": \""
              + s.id()
              + "\", \"grid\": {"
              + grid
              + "}, \"costs\": {\"commissionBps\": 1}}");
    }
    return all;
  }

  /**
   * A unit is one grid point over one symbol's bars; a chunk first prepares the symbols it reads
   * (counted as one: a chunk of a few units reads one or two).
   */
  @Override
  public UnitCost unitCost(BacktestParams params) {
    BacktestPlan plan = plan(params);
    return new UnitCost(
        Math.round(plan.bars() * nanosPerUnitBar(plan.strategy())),
        0,
        Math.round(plan.bars() * SETUP_NANOS_PER_BAR));
  }

  // -------------------------------------------------------------------------------- runChunk

  @Override
  public BacktestChunkResult runChunk(
      BacktestParams params, UnitRange range, ChunkContext context) {
    BacktestPlan plan = plan(params);
    if (range.to() > plan.units()) {
      throw new IllegalArgumentException(
          "unit range " + range + " is beyond the " + plan.units() + " units");
    }
    return ChunkRun.run(plan, range, context, symbol -> series(plan, symbol));
  }

  private Ohlc series(BacktestPlan plan, int symbolIndex) {
    if (plan.dataset() != null) {
      Bars bars = datasets.bars(plan.dataset());
      return new Ohlc(bars.open(), bars.high(), bars.low(), bars.close());
    }
    return prices.bars(plan.seed(), plan.symbols().get(symbolIndex), plan.bars());
  }

  // ---------------------------------------------------------------------------------- reduce

  /**
   * Concatenates the chunks' units and sorts them into the leaderboard.
   *
   * @throws IllegalArgumentException unless the chunks hold each unit exactly once
   */
  @Override
  public BacktestResult reduce(BacktestParams params, List<BacktestChunkResult> chunkResults) {
    long units = unitCount(params);
    List<BacktestUnitResult> all = new ArrayList<>();
    for (BacktestChunkResult chunk : chunkResults) {
      all.addAll(chunk.units());
    }
    boolean[] seen = new boolean[(int) units];
    for (BacktestUnitResult unit : all) {
      long index = unit.unitIndex();
      if (index < 0 || index >= units || seen[(int) index]) {
        throw new IllegalArgumentException(
            "unit " + index + " is out of range or repeated (units: " + units + ")");
      }
      seen[(int) index] = true;
    }
    if (all.size() != units) {
      throw new IllegalArgumentException(
          "chunk results hold " + all.size() + " of the " + units + " units");
    }
    return new BacktestResult(units, Leaderboard.of(params, all));
  }

  /** The leaderboard of the units that ran; {@code units} still counts every unit asked for. */
  @Override
  public Optional<BacktestResult> reducePartial(
      BacktestParams params, List<BacktestChunkResult> succeededChunks) {
    List<BacktestUnitResult> ran = new ArrayList<>();
    for (BacktestChunkResult chunk : succeededChunks) {
      ran.addAll(chunk.units());
    }
    return Optional.of(new BacktestResult(unitCount(params), Leaderboard.of(params, ran)));
  }

  /** The columns of {@code result.csv} after rank, unit, symbol and the strategy's parameters. */
  public static final List<String> METRIC_COLUMNS =
      List.of(
          "trades",
          "totalReturn",
          "cagr",
          "volatility",
          "sharpe",
          "sortino",
          "maxDrawdown",
          "calmar",
          "winRate",
          "profitFactor",
          "exposure");

  /** One row per unit that ran, in leaderboard order, ranked from 1; null metrics are empty. */
  @Override
  public Optional<ResultTable> table(BacktestParams params, BacktestResult result) {
    return Optional.of(Leaderboard.table(Strategy.byId(params.strategy()), result.leaderboard()));
  }

  /** The number of units and the leader: symbol, parameters, Sharpe and total return. */
  @Override
  public Map<String, Object> summary(BacktestResult result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("units", result.units());
    if (result.leaderboard().size() < result.units()) {
      summary.put("unitsRan", result.leaderboard().size());
    }
    if (!result.leaderboard().isEmpty()) {
      BacktestUnitResult best = result.leaderboard().getFirst();
      Map<String, Object> leader = new LinkedHashMap<>();
      leader.put("symbol", best.symbol());
      leader.put("params", best.params());
      // JSON has no NaN: a metric without a value is null.
      leader.put("sharpe", best.sharpe());
      leader.put("totalReturn", best.totalReturn());
      summary.put("best", leader);
    }
    return summary;
  }
}
