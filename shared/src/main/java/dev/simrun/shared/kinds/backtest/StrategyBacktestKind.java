package dev.simrun.shared.kinds.backtest;

import dev.simrun.shared.kinds.ChunkCancelledException;
import dev.simrun.shared.kinds.ChunkContext;
import dev.simrun.shared.kinds.Datasets;
import dev.simrun.shared.kinds.FieldError;
import dev.simrun.shared.kinds.ResultTable;
import dev.simrun.shared.kinds.SimulationKind;
import dev.simrun.shared.kinds.UnitRange;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code strategy-backtest}: a trading strategy swept over a parameter grid on several symbols.
 *
 * <h2>Units</h2>
 *
 * One unit is one (symbol, grid point). The grid points of {@code sma-crossover} are the (fast,
 * slow) pairs of the cartesian product of the {@code grid.fast} and {@code grid.slow} windows
 * (duplicates are rejected) with {@code fast < slow}, ordered by fast, then slow (ascending,
 * whatever the order given); pairs with {@code fast >= slow} are skipped. Unit {@code u =
 * symbolIndex * pairCount + pairIndex}, symbols in the order given, so consecutive units share a
 * symbol.
 *
 * <h2>Data</h2>
 *
 * {@code data.synthetic}: one close series per symbol from {@link SyntheticPrices} (deterministic
 * in seed and symbol), cached per worker so the chunks of one simulation generate it once.
 *
 * <h2>Engine ({@code sma-crossover})</h2>
 *
 * Long or flat, trading at the close (a later change adds fills at the next open and more).
 *
 * <ul>
 *   <li>Simple moving averages of the closes over {@code fast} and {@code slow} bars, by rolling
 *       sums (see {@link SmaCrossover#sma}).
 *   <li>From bar {@code t0 = slow - 1}, the first with a slow SMA, the position at bar {@code t} is
 *       1 (long) if {@code SMA_fast(t) > SMA_slow(t)}, else 0 (flat); it is 0 before.
 *   <li>For {@code t} in {@code [t0, bars-2]} the strategy return of bar {@code t+1} is {@code
 *       position(t) * (close(t+1) / close(t) - 1)}, minus {@code cost = (commissionBps +
 *       slippageBps) / 10,000} if {@code position(t) != position(t-1)} (an entry or an exit; the
 *       position before {@code t0} is flat, so being long at {@code t0} is an entry). The signal at
 *       the last bar is not traded, and an open position is not closed at the end.
 *   <li>Metrics over those {@code bars - slow} returns: {@code trades}, the number of entries;
 *       {@code totalReturn}, the compounded equity {@code Π(1 + r) - 1}; {@code maxDrawdown}, the
 *       largest {@code (peak - equity) / peak} with the equity starting at 1; {@code sharpe},
 *       {@code mean / sampleStdev * sqrt(252)} of the returns, 0 when the deviation is 0.
 * </ul>
 *
 * Within a chunk, the SMA arrays of the current symbol are computed once per window and reused by
 * the chunk's units, up to a budget of {@value #SMA_CACHE_DOUBLES} doubles.
 *
 * <h2>Result</h2>
 *
 * Every unit's metrics, sorted by Sharpe descending, then unit index ascending. A unit's numbers
 * depend only on the parameters and the unit, so the result is bit-identical for any chunking.
 */
@Singleton
public final class StrategyBacktestKind
    implements SimulationKind<BacktestParams, BacktestChunkResult, BacktestResult> {

  public static final String NAME = "strategy-backtest";
  public static final String SMA_CROSSOVER = "sma-crossover";
  public static final List<String> STRATEGIES = List.of(SMA_CROSSOVER);

  public static final int MAX_SYMBOLS = 100;
  public static final String SYMBOL_PATTERN = "[A-Za-z0-9._-]{1,16}";
  public static final int MIN_BARS = 2;
  public static final int MAX_BARS = 2_000_000;
  public static final int MAX_WINDOWS = 50;
  public static final double MAX_COST_BPS = 1000.0;
  public static final long MAX_UNITS = 100_000L;

  /** The most units × bars one simulation may ask for: a bound on its total work. */
  public static final long MAX_WORK = 2_000_000_000L;

  /**
   * Units × bars aimed at per chunk, for about 1-2 s of work on one core: a unit costs about 3 ns
   * per bar once its prices are generated (0.24 ms for the engine on 100,000 bars plus its share of
   * the SMAs, measured on one AMD EPYC core, JDK 25), so 400 M unit-bars take about 1.3 s.
   */
  public static final long WORK_PER_CHUNK = 400_000_000L;

  /** The most doubles of SMA arrays a chunk keeps for reuse (32 MB). */
  public static final long SMA_CACHE_DOUBLES = 4_000_000L;

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
    if (params.strategy() == null) {
      errors.add(new FieldError("strategy", "required; " + supported));
    } else if (!STRATEGIES.contains(params.strategy())) {
      errors.add(
          new FieldError(
              "strategy", "unsupported strategy '" + params.strategy() + "'; " + supported));
    }

    long pairCount = -1; // the number of grid points, when the grid is valid
    BacktestParams.Grid grid = params.grid();
    if (grid == null) {
      errors.add(new FieldError("grid", "required, e.g. {\"fast\": [5, 10], \"slow\": [50]}"));
    } else {
      TreeSet<Integer> fast = validateWindows("grid.fast", grid.fast(), bars, errors);
      TreeSet<Integer> slow = validateWindows("grid.slow", grid.slow(), bars, errors);
      if (fast != null && slow != null) {
        pairCount = pairs(fast, slow).length;
        if (pairCount == 0) {
          errors.add(
              new FieldError(
                  "grid", "needs at least one (fast, slow) pair with fast < slow; there is none"));
        }
      }
    }

    BacktestParams.Costs costs = params.costs();
    if (costs != null) {
      validateBps("costs.commissionBps", costs.commissionBps(), errors);
      validateBps("costs.slippageBps", costs.slippageBps(), errors);
    }

    if (symbolCount > 0 && pairCount > 0) {
      long units = symbolCount * pairCount;
      if (units > MAX_UNITS) {
        errors.add(
            new FieldError(
                "params",
                "too many units: "
                    + symbolCount
                    + " symbols × "
                    + pairCount
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

  /** Returns the distinct windows if all are valid, else null. */
  private static TreeSet<Integer> validateWindows(
      String path, List<Integer> windows, Integer bars, List<FieldError> errors) {
    if (windows == null) {
      errors.add(new FieldError(path, "required: 1.." + MAX_WINDOWS + " windows"));
      return null;
    }
    if (windows.isEmpty() || windows.size() > MAX_WINDOWS) {
      errors.add(
          new FieldError(path, "must have 1.." + MAX_WINDOWS + " entries, got " + windows.size()));
      return null;
    }
    boolean valid = true;
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < windows.size(); i++) {
      Integer window = windows.get(i);
      String at = path + "[" + i + "]";
      if (window == null) {
        errors.add(new FieldError(at, "required: a window in bars"));
        valid = false;
      } else if (window < 1 || (bars != null && window > bars - 1)) {
        String range = bars != null ? "1..bars-1 (1.." + (bars - 1) + ")" : "1..bars-1";
        errors.add(new FieldError(at, "must be in " + range + ", got " + window));
        valid = false;
      } else {
        Integer first = seen.putIfAbsent(window, i);
        if (first != null) {
          errors.add(new FieldError(at, "duplicate of " + path + "[" + first + "]"));
          valid = false;
        }
      }
    }
    return valid ? new TreeSet<>(seen.keySet()) : null;
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
      int[][] pairs,
      double costPerChange) {

    long units() {
      return (long) symbols.size() * pairs.length;
    }
  }

  private Plan plan(BacktestParams params) {
    BacktestParams.Synthetic synthetic = params.data().synthetic();
    String dataset = params.data().dataset();
    BacktestParams.Grid grid = params.grid();
    int[][] pairs = pairs(new TreeSet<>(grid.fast()), new TreeSet<>(grid.slow()));
    BacktestParams.Costs costs = params.costs();
    double bps = 0.0;
    if (costs != null) {
      bps += costs.commissionBps() == null ? 0.0 : costs.commissionBps();
      bps += costs.slippageBps() == null ? 0.0 : costs.slippageBps();
    }
    if (dataset != null) {
      Datasets.Info info =
          datasets
              .info(dataset)
              .orElseThrow(() -> new IllegalArgumentException("no dataset " + dataset));
      return new Plan(List.of(info.name()), info.rows(), 0, dataset, pairs, bps / 10_000.0);
    }
    return new Plan(
        List.copyOf(synthetic.symbols()),
        synthetic.bars(),
        synthetic.seed(),
        null,
        pairs,
        bps / 10_000.0);
  }

  /** The (fast, slow) pairs with fast < slow, by fast then slow. */
  private static int[][] pairs(TreeSet<Integer> fast, TreeSet<Integer> slow) {
    List<int[]> pairs = new ArrayList<>();
    for (int f : fast) {
      for (int s : slow) {
        if (f < s) {
          pairs.add(new int[] {f, s});
        }
      }
    }
    return pairs.toArray(new int[0][]);
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

  @Override
  public int defaultUnitsPerChunk(BacktestParams params) {
    Plan plan = plan(params);
    long units = Math.max(1L, WORK_PER_CHUNK / plan.bars());
    return (int) Math.max(1L, Math.min(units, plan.units()));
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
    int pairCount = plan.pairs().length;
    double size = range.size();
    List<BacktestUnitResult> results = new ArrayList<>((int) range.size());
    int symbolIndex = -1;
    double[] closes = null;
    SmaCache smas = null;
    double[] returns = new double[plan.bars()];
    for (long u = range.from(); u < range.to(); u++) {
      if (context.cancelled()) {
        throw new ChunkCancelledException();
      }
      int unitSymbol = (int) (u / pairCount);
      int[] pair = plan.pairs()[(int) (u % pairCount)];
      if (unitSymbol != symbolIndex) {
        symbolIndex = unitSymbol;
        closes =
            plan.dataset() != null
                ? datasets.bars(plan.dataset()).close()
                : prices.closes(plan.seed(), plan.symbols().get(symbolIndex), plan.bars());
        smas = new SmaCache(closes, SMA_CACHE_DOUBLES);
      }
      int fast = pair[0];
      int slow = pair[1];
      SmaCrossover.Metrics metrics =
          SmaCrossover.run(
              closes, smas.get(fast, 0), smas.get(slow, 1), slow, plan.costPerChange(), returns);
      String symbol = plan.symbols().get(symbolIndex);
      results.add(
          new BacktestUnitResult(
              u,
              symbol,
              fast,
              slow,
              metrics.trades(),
              metrics.totalReturn(),
              metrics.maxDrawdown(),
              metrics.sharpe()));
      context.progress(
          (u - range.from() + 1) / size,
          Map.of(
              "unit", u,
              "symbol", symbol,
              "fast", fast,
              "slow", slow,
              "sharpe", metrics.sharpe()));
    }
    return new BacktestChunkResult(results);
  }

  /**
   * The SMA arrays of one symbol's closes, computed once per window and kept while they fit in a
   * budget of doubles; past it, a window is computed into one of two scratch arrays (slot 0 for the
   * fast SMA, 1 for the slow), which are reused while they hold the window asked for.
   */
  private static final class SmaCache {
    private final double[] closes;
    private final long budget;
    private final Map<Integer, double[]> cached = new HashMap<>();
    private final double[][] scratch = new double[2][];
    private final int[] scratchWindow = {-1, -1};
    private long held;

    SmaCache(double[] closes, long budget) {
      this.closes = closes;
      this.budget = budget;
    }

    double[] get(int window, int slot) {
      double[] sma = cached.get(window);
      if (sma != null) {
        return sma;
      }
      if (held + closes.length <= budget) {
        sma = SmaCrossover.sma(closes, window);
        cached.put(window, sma);
        held += closes.length;
        return sma;
      }
      if (scratchWindow[slot] != window) {
        if (scratch[slot] == null) {
          scratch[slot] = new double[closes.length];
        }
        SmaCrossover.sma(closes, window, scratch[slot]);
        scratchWindow[slot] = window;
      }
      return scratch[slot];
    }
  }

  // ---------------------------------------------------------------------------------- reduce

  private static final Comparator<BacktestUnitResult> LEADERBOARD_ORDER =
      Comparator.comparingDouble(BacktestUnitResult::sharpe)
          .reversed()
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
    all.sort(LEADERBOARD_ORDER);
    return new BacktestResult(units, all);
  }

  /** The leaderboard of the units that ran; {@code units} still counts every unit asked for. */
  @Override
  public Optional<BacktestResult> reducePartial(
      BacktestParams params, List<BacktestChunkResult> succeededChunks) {
    List<BacktestUnitResult> ran = new ArrayList<>();
    for (BacktestChunkResult chunk : succeededChunks) {
      ran.addAll(chunk.units());
    }
    ran.sort(LEADERBOARD_ORDER);
    return Optional.of(new BacktestResult(unitCount(params), ran));
  }

  /** One row per unit that ran, in leaderboard order, ranked from 1. */
  @Override
  public Optional<ResultTable> table(BacktestParams params, BacktestResult result) {
    List<BacktestUnitResult> units = result.leaderboard();
    Stream<List<?>> rows =
        IntStream.range(0, units.size())
            .mapToObj(
                rank -> {
                  BacktestUnitResult unit = units.get(rank);
                  return List.of(
                      rank + 1,
                      unit.unitIndex(),
                      unit.symbol(),
                      unit.fast(),
                      unit.slow(),
                      unit.trades(),
                      unit.totalReturn(),
                      unit.maxDrawdown(),
                      unit.sharpe());
                });
    return Optional.of(
        new ResultTable(
            List.of(
                "rank",
                "unit",
                "symbol",
                "fast",
                "slow",
                "trades",
                "totalReturn",
                "maxDrawdown",
                "sharpe"),
            rows));
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
      leader.put("fast", best.fast());
      leader.put("slow", best.slow());
      // JSON has no NaN: a metric without a value is null.
      leader.put("sharpe", Double.isFinite(best.sharpe()) ? best.sharpe() : null);
      leader.put("totalReturn", Double.isFinite(best.totalReturn()) ? best.totalReturn() : null);
      summary.put("best", leader);
    }
    return summary;
  }
}
