package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.StrategyBacktestKind.INDICATOR_CACHE_DOUBLES;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The units of one chunk, run a group at a time: the units of one symbol take turns over blocks of
 * its bars ({@link FusedEngine}) and share its indicators ({@link IndicatorCache}), so a block
 * stays in the CPU cache while every unit of the group reads it. A unit's numbers are the same as
 * if it ran alone.
 */
final class ChunkRun {

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

  private ChunkRun() {}

  /**
   * Runs units {@code [range.from(), range.to())} of the plan, which holds them, reading a symbol's
   * bars by its index from {@code symbolBars}; reports each unit's progress to {@code context} and
   * stops when it says the chunk is cancelled.
   */
  static BacktestChunkResult run(
      BacktestPlan plan, UnitRange range, ChunkContext context, IntFunction<Ohlc> symbolBars) {
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
        cache =
            new IndicatorCache(symbolBars.apply(symbolIndex), INDICATOR_CACHE_DOUBLES, BLOCK_BARS);
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
    return new BacktestChunkResult(Leaderboard.withEquityCurves(plan, results, samples));
  }
}
