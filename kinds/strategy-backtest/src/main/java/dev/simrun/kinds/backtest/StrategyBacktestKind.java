package dev.simrun.kinds.backtest;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.ChunkCancelledException;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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
 * consecutive units share a symbol.
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
 * and commission in basis points, long-only or long-short ({@link Engine}). Within a chunk, the
 * indicators of the current symbol are computed once per key and reused by the chunk's units, up to
 * a budget of {@value #INDICATOR_CACHE_DOUBLES} doubles.
 *
 * <h2>Result</h2>
 *
 * Every unit's metrics, sorted by Sharpe descending, then unit index ascending; the first {@code
 * equityCurves} units carry their equity curve. Each chunk attaches curves to its own top units
 * (the global top units are among them) and reduce keeps those of the global top only. A unit's
 * numbers depend only on the parameters and the unit, so the result is bit-identical for any
 * chunking.
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

  /**
   * The most units run together over one block of bars: the bars, running sums and indicators of a
   * block stay in the CPU cache while every unit of the group reads them.
   */
  static final int GROUP_UNITS = 16;

  /**
   * The most unit-bars in a group: a group reports its units' progress when it is done, so this
   * bounds how long a cancel waits (about 0.1 s on one core here).
   */
  static final long GROUP_UNIT_BARS = 16_000_000L;

  /** The bars of one block (see {@link #GROUP_UNITS}). */
  static final int BLOCK_BARS = 4096;

  /**
   * The most doubles a group may hold beyond the indicator cache: indicators that did not fit in it
   * and written signals (64 MB).
   */
  static final long GROUP_EXTRA_DOUBLES = 8_000_000L;

  /** The most doubles of indicator arrays a chunk keeps for reuse (64 MB). */
  public static final long INDICATOR_CACHE_DOUBLES = 8_000_000L;

  private static final Pattern SYMBOL = Pattern.compile(SYMBOL_PATTERN);

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
    List<FieldError> errors = new ArrayList<>();
    if (params == null) {
      errors.add(new FieldError("params", "required"));
      return errors;
    }

    int symbolCount = -1; // the number of symbols, when they are all valid
    Integer bars = null; // the bars, when valid
    BacktestParams.Data data = params.data();
    if (data == null) {
      errors.add(new FieldError("data", "required, e.g. {\"synthetic\": {...}}"));
    } else if ((data.synthetic() == null) == (data.dataset() == null)) {
      errors.add(
          new FieldError(
              "data",
              "exactly one of synthetic or dataset is required, e.g. {\"dataset\": \"<id>\"}"));
    } else if (data.dataset() != null) {
      Optional<Datasets.Info> info = datasets.info(data.dataset());
      if (info.isEmpty()) {
        errors.add(new FieldError("data.dataset", "no dataset '" + data.dataset() + "'"));
      } else if (info.get().rows() < MIN_BARS) {
        errors.add(
            new FieldError(
                "data.dataset", "has " + info.get().rows() + " bars; at least " + MIN_BARS));
      } else {
        symbolCount = 1;
        bars = info.get().rows();
      }
    } else {
      BacktestParams.Synthetic synthetic = data.synthetic();
      symbolCount = validateSymbols(synthetic.symbols(), errors);
      if (synthetic.bars() == null) {
        errors.add(
            new FieldError(
                "data.synthetic.bars", "required: " + MIN_BARS + ".." + MAX_BARS + " bars"));
      } else if (synthetic.bars() < MIN_BARS || synthetic.bars() > MAX_BARS) {
        errors.add(
            new FieldError(
                "data.synthetic.bars",
                "must be in " + MIN_BARS + ".." + MAX_BARS + ", got " + synthetic.bars()));
      } else {
        bars = synthetic.bars();
      }
      if (synthetic.seed() == null) {
        errors.add(new FieldError("data.synthetic.seed", "required: any 64-bit integer"));
      }
    }

    String supported = "supported: " + String.join(", ", STRATEGIES);
    Strategy strategy = null;
    if (params.strategy() == null) {
      errors.add(new FieldError("strategy", "required; " + supported));
    } else {
      strategy = Strategy.byId(params.strategy());
      if (strategy == null) {
        errors.add(
            new FieldError(
                "strategy", "unsupported strategy '" + params.strategy() + "'; " + supported));
      }
    }

    long pointCount = -1; // the number of grid points, when the grid is valid
    BacktestParams.Grid grid = params.grid();
    if (grid == null) {
      errors.add(new FieldError("grid", "required, e.g. {\"fast\": [5, 10], \"slow\": [50]}"));
    } else if (strategy != null) {
      List<double[]> lists = validateGrid(strategy, grid, bars, errors);
      if (lists != null) {
        pointCount = points(strategy, lists).length;
        if (pointCount == 0) {
          errors.add(
              new FieldError(
                  "grid",
                  "needs at least one grid point with " + ruleOf(strategy) + "; there is none"));
        }
      }
    }

    BacktestParams.Costs costs = params.costs();
    if (costs != null) {
      validateBps("costs.commissionBps", costs.commissionBps(), errors);
      validateBps("costs.slippageBps", costs.slippageBps(), errors);
    }
    if (params.direction() != null && !DIRECTIONS.contains(params.direction())) {
      errors.add(
          new FieldError(
              "direction",
              "must be one of "
                  + String.join(", ", DIRECTIONS)
                  + ", got '"
                  + params.direction()
                  + "'"));
    }
    Double barsPerYear = params.barsPerYear();
    if (barsPerYear != null
        && !(Double.isFinite(barsPerYear)
            && barsPerYear >= 1
            && barsPerYear <= MAX_BARS_PER_YEAR)) {
      errors.add(
          new FieldError(
              "barsPerYear",
              "must be a number in 1.." + (long) MAX_BARS_PER_YEAR + ", got " + barsPerYear));
    }
    Integer curves = params.equityCurves();
    if (curves != null && (curves < 0 || curves > MAX_EQUITY_CURVES)) {
      errors.add(
          new FieldError("equityCurves", "must be in 0.." + MAX_EQUITY_CURVES + ", got " + curves));
    }

    if (symbolCount > 0 && pointCount > 0) {
      long units = symbolCount * pointCount;
      if (units > MAX_UNITS) {
        errors.add(
            new FieldError(
                "params",
                "too many units: "
                    + symbolCount
                    + " symbols × "
                    + pointCount
                    + " grid points = "
                    + units
                    + " > "
                    + MAX_UNITS));
      } else if (bars != null && units * bars > MAX_WORK) {
        errors.add(
            new FieldError(
                "params",
                "too much work: "
                    + units
                    + " units × "
                    + bars
                    + " bars = "
                    + units * bars
                    + " exceeds the work limit of "
                    + MAX_WORK
                    + " unit-bars per simulation; use fewer symbols, grid points or bars"));
      }
    }
    return errors;
  }

  private static String ruleOf(Strategy strategy) {
    return switch (strategy) {
      case SMA_CROSSOVER, EMA_CROSSOVER -> "fast < slow";
      case RSI_REVERSION -> "lower < upper";
      case BOLLINGER_BREAKOUT, MOMENTUM -> "valid values";
    };
  }

  /** Returns the number of symbols if all are valid, else -1. */
  private static int validateSymbols(List<String> symbols, List<FieldError> errors) {
    String path = "data.synthetic.symbols";
    if (symbols == null) {
      errors.add(new FieldError(path, "required: 1.." + MAX_SYMBOLS + " symbols"));
      return -1;
    }
    if (symbols.isEmpty() || symbols.size() > MAX_SYMBOLS) {
      errors.add(
          new FieldError(path, "must have 1.." + MAX_SYMBOLS + " entries, got " + symbols.size()));
      return -1; // entries of an over-long list are not checked one by one
    }
    boolean valid = true;
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < symbols.size(); i++) {
      String symbol = symbols.get(i);
      String at = path + "[" + i + "]";
      if (symbol == null || symbol.isBlank()) {
        errors.add(new FieldError(at, "must not be blank"));
        valid = false;
      } else if (!SYMBOL.matcher(symbol).matches()) {
        errors.add(new FieldError(at, "must match " + SYMBOL_PATTERN + ", got '" + symbol + "'"));
        valid = false;
      } else {
        Integer first = seen.putIfAbsent(symbol, i);
        if (first != null) {
          errors.add(new FieldError(at, "duplicate of " + path + "[" + first + "]"));
          valid = false;
        }
      }
    }
    return valid ? symbols.size() : -1;
  }

  /**
   * Checks the grid against the strategy's parameters; returns each parameter's distinct values,
   * sorted, in parameter order (defaults for lists left out) if all are valid, else null.
   */
  private static List<double[]> validateGrid(
      Strategy strategy, BacktestParams.Grid grid, Integer bars, List<FieldError> errors) {
    Map<String, List<? extends Number>> given = grid.given();
    List<String> names = strategy.params().stream().map(Strategy.ParamSpec::name).toList();
    boolean valid = true;
    for (String name : given.keySet()) {
      if (!names.contains(name)) {
        errors.add(
            new FieldError(
                "grid." + name,
                "not a parameter of "
                    + strategy.id()
                    + "; its parameters: "
                    + String.join(", ", names)));
        valid = false;
      }
    }
    List<double[]> lists = new ArrayList<>();
    for (Strategy.ParamSpec spec : strategy.params()) {
      double[] values = validateValues(spec, given.get(spec.name()), bars, errors);
      if (values == null) {
        valid = false;
      }
      lists.add(values);
    }
    return valid ? lists : null;
  }

  /** Returns the distinct values, sorted, if all are valid, else null. */
  private static double[] validateValues(
      Strategy.ParamSpec spec,
      List<? extends Number> values,
      Integer bars,
      List<FieldError> errors) {
    String path = "grid." + spec.name();
    String what = spec.integer() ? "a window in bars" : "a number";
    if (values == null) {
      if (spec.defaults() != null) {
        return spec.defaults().stream().mapToDouble(Double::doubleValue).toArray();
      }
      errors.add(
          new FieldError(
              path, "required: 1.." + MAX_GRID_VALUES + " values in " + spec.range(bars)));
      return null;
    }
    if (values.isEmpty() || values.size() > MAX_GRID_VALUES) {
      errors.add(
          new FieldError(
              path, "must have 1.." + MAX_GRID_VALUES + " entries, got " + values.size()));
      return null; // entries of an over-long list are not checked one by one
    }
    boolean valid = true;
    Map<Double, Integer> seen = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      Number raw = values.get(i);
      String at = path + "[" + i + "]";
      if (raw == null) {
        errors.add(new FieldError(at, "required: " + what));
        valid = false;
        continue;
      }
      double v = raw.doubleValue();
      double max =
          bars != null ? spec.maxFor(bars) : spec.integer() ? Double.MAX_VALUE : spec.max();
      boolean aboveMin = spec.minExclusive() ? v > spec.min() : v >= spec.min();
      if (!(Double.isFinite(v) && aboveMin && v <= max)) {
        errors.add(new FieldError(at, "must be in " + spec.range(bars) + ", got " + format(raw)));
        valid = false;
      } else {
        Integer first = seen.putIfAbsent(v, i);
        if (first != null) {
          errors.add(new FieldError(at, "duplicate of " + path + "[" + first + "]"));
          valid = false;
        }
      }
    }
    return valid
        ? seen.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray()
        : null;
  }

  private static String format(Number n) {
    return n instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)
        ? Long.toString(d.longValue())
        : n.toString();
  }

  private static void validateBps(String path, Double bps, List<FieldError> errors) {
    if (bps != null && !(Double.isFinite(bps) && bps >= 0.0 && bps <= MAX_COST_BPS)) {
      errors.add(
          new FieldError(path, "must be a finite number in 0.." + MAX_COST_BPS + ", got " + bps));
    }
  }

  // ------------------------------------------------------------------------------------- plan

  /** Valid parameters resolved into the unit layout. */
  private record Plan(
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
  }

  private Plan plan(BacktestParams params) {
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
      return new Plan(
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
    return new Plan(
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
  private static double[][] points(Strategy strategy, List<double[]> lists) {
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
    Plan plan = plan(params);
    return new UnitCost(
        Math.round(plan.bars() * nanosPerUnitBar(plan.strategy())),
        0,
        Math.round(plan.bars() * SETUP_NANOS_PER_BAR));
  }

  // -------------------------------------------------------------------------------- runChunk

  @Override
  public BacktestChunkResult runChunk(
      BacktestParams params, UnitRange range, ChunkContext context) {
    Plan plan = plan(params);
    if (range.to() > plan.units()) {
      throw new IllegalArgumentException(
          "unit range " + range + " is beyond the " + plan.units() + " units");
    }
    int pointCount = plan.points().length;
    double size = range.size();
    List<BacktestUnitResult> results = new ArrayList<>((int) range.size());
    int symbolIndex = -1;
    IndicatorCache cache = null;
    int bars = plan.bars();
    int sampleCount = Math.min(bars, EquityCurve.MAX_POINTS);
    List<double[]> samples = new ArrayList<>((int) range.size());
    long u = range.from();
    while (u < range.to()) {
      int unitSymbol = (int) (u / pointCount);
      if (unitSymbol != symbolIndex) {
        symbolIndex = unitSymbol;
        cache = new IndicatorCache(series(plan, symbolIndex), INDICATOR_CACHE_DOUBLES, BLOCK_BARS);
      }
      cache.restartBlocks();
      PreparedSeries series = PreparedSeries.streaming(cache.bars(), BLOCK_BARS);
      // A group of units of this symbol takes turns over blocks of bars (see FusedEngine).
      long symbolEnd = Math.min(range.to(), (long) (unitSymbol + 1) * pointCount);
      List<FusedEngine> group = new ArrayList<>(GROUP_UNITS);
      long extra = -cache.uncached();
      while (u + group.size() < symbolEnd
          && group.size() < Math.max(1, Math.min(GROUP_UNITS, GROUP_UNIT_BARS / bars))
          && extra + cache.uncached() <= GROUP_EXTRA_DOUBLES) {
        double[] point = plan.points()[(int) ((u + group.size()) % pointCount)];
        double[] equity = plan.equityCurves() > 0 ? new double[sampleCount] : null;
        long[] scratch = {0};
        Signal signal =
            plan.strategy()
                .signal(
                    cache,
                    point,
                    plan.longShort(),
                    () -> {
                      scratch[0] += bars / Double.BYTES + 1;
                      return new byte[bars];
                    });
        extra += scratch[0];
        group.add(
            new FusedEngine(
                series, signal, plan.strategy().warmUp(point), plan.settings(), equity));
        samples.add(equity);
      }
      // As when the units ran one by one: the context is asked before each unit and told after.
      if (context.cancelled()) {
        throw new ChunkCancelledException();
      }
      for (int from = 0; from < bars; from += BLOCK_BARS) {
        int limit = Math.min(bars, from + BLOCK_BARS);
        cache.advanceTo(limit);
        series.advanceTo(limit);
        for (FusedEngine run : group) {
          run.advance(limit);
        }
      }
      for (int i = 0; i < group.size(); i++) {
        if (i > 0 && context.cancelled()) {
          throw new ChunkCancelledException();
        }
        Engine.Metrics metrics = group.get(i).metrics();
        double[] point = plan.points()[(int) (u % pointCount)];
        String symbol = plan.symbols().get(symbolIndex);
        GridPoint gridPoint = GridPoint.of(plan.strategy(), point);
        results.add(BacktestUnitResult.of(u, symbol, gridPoint, metrics));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("unit", u);
        details.put("symbol", symbol);
        details.putAll(gridPoint.values(plan.strategy()));
        details.put("sharpe", metrics.sharpe());
        u++;
        context.progress((u - range.from()) / size, details);
      }
    }
    return new BacktestChunkResult(withEquityCurves(plan, results, samples));
  }

  /**
   * The results with the equity curves of the chunk's top {@code equityCurves} units (in
   * leaderboard order) attached, from the samples every unit recorded as it ran.
   */
  private static List<BacktestUnitResult> withEquityCurves(
      Plan plan, List<BacktestUnitResult> results, List<double[]> samples) {
    if (plan.equityCurves() == 0 || results.isEmpty()) {
      return results;
    }
    long first = results.getFirst().unitIndex();
    List<BacktestUnitResult> out = new ArrayList<>(results);
    results.stream()
        .sorted(LEADERBOARD_ORDER)
        .limit(plan.equityCurves())
        .forEach(
            unit -> {
              int at = (int) (unit.unitIndex() - first);
              out.set(at, unit.withEquityCurve(EquityCurve.of(plan.bars(), samples.get(at))));
            });
    return out;
  }

  private Ohlc series(Plan plan, int symbolIndex) {
    if (plan.dataset() != null) {
      Bars bars = datasets.bars(plan.dataset());
      return new Ohlc(bars.open(), bars.high(), bars.low(), bars.close());
    }
    return prices.bars(plan.seed(), plan.symbols().get(symbolIndex), plan.bars());
  }

  // ---------------------------------------------------------------------------------- reduce

  /** Sharpe descending (null last), then unit index ascending: a total order on units. */
  static final Comparator<BacktestUnitResult> LEADERBOARD_ORDER =
      Comparator.comparing(
              BacktestUnitResult::sharpe, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
          .thenComparingLong(BacktestUnitResult::unitIndex);

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
    return new BacktestResult(units, leaderboard(params, all));
  }

  /** The leaderboard of the units that ran; {@code units} still counts every unit asked for. */
  @Override
  public Optional<BacktestResult> reducePartial(
      BacktestParams params, List<BacktestChunkResult> succeededChunks) {
    List<BacktestUnitResult> ran = new ArrayList<>();
    for (BacktestChunkResult chunk : succeededChunks) {
      ran.addAll(chunk.units());
    }
    return Optional.of(new BacktestResult(unitCount(params), leaderboard(params, ran)));
  }

  /** Sorts the units; only the first {@code equityCurves} keep their curve. */
  private static List<BacktestUnitResult> leaderboard(
      BacktestParams params, List<BacktestUnitResult> units) {
    int curves = params.equityCurves() == null ? DEFAULT_EQUITY_CURVES : params.equityCurves();
    List<BacktestUnitResult> sorted = new ArrayList<>(units);
    sorted.sort(LEADERBOARD_ORDER);
    for (int i = curves; i < sorted.size(); i++) {
      if (sorted.get(i).equityCurve() != null) {
        sorted.set(i, sorted.get(i).withEquityCurve(null));
      }
    }
    return sorted;
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
    Strategy strategy = Strategy.byId(params.strategy());
    List<BacktestUnitResult> units = result.leaderboard();
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
    return Optional.of(new ResultTable(columns, rows));
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
