package dev.simrun.kinds.backtest;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The indicators of one series, computed once per key and kept while they fit in a budget of
 * doubles; past it, an indicator is computed afresh on every request. Results never depend on the
 * budget, only the time they take.
 */
final class IndicatorCache {
  private final Ohlc bars;
  private final long budget;
  private final Map<String, double[]> cached = new HashMap<>();
  private final int blockBars;
  private final Map<Integer, IndicatorBlock> rolling = new java.util.LinkedHashMap<>();
  private long held;
  private long uncached;

  IndicatorCache(Ohlc bars, long budget) {
    this(bars, budget, 0);
  }

  /**
   * @param blockBars when positive, {@link #rollingSma} holds a block of this many bars at a time,
   *     advanced by {@link #advanceTo}; when 0, the whole series
   */
  IndicatorCache(Ohlc bars, long budget, int blockBars) {
    this.bars = bars;
    this.budget = budget;
    this.blockBars = blockBars;
  }

  /**
   * {@link Indicators#sma} of the closes: the whole series, or a block at a time when this cache
   * was made with {@code blockBars} (one per window, shared by every unit that reads it).
   */
  IndicatorBlock rollingSma(int window) {
    if (blockBars == 0) {
      return IndicatorBlock.whole(get("sma:" + window, x -> Indicators.sma(x, window)));
    }
    return rolling.computeIfAbsent(
        window, w -> new RollingSma(bars.close(), w, Math.min(blockBars, bars.size())));
  }

  /** Drops the blocks of {@link #rollingSma}: the next ones start again at bar 0. */
  void restartBlocks() {
    rolling.clear();
  }

  /** Computes the blocks of every {@link #rollingSma} up to bar {@code limit} (exclusive). */
  void advanceTo(int limit) {
    for (IndicatorBlock block : rolling.values()) {
      block.advanceTo(limit);
    }
  }

  Ohlc bars() {
    return bars;
  }

  double[] close() {
    return bars.close();
  }

  /** The indicator named {@code key}, e.g. {@code "sma:20"}, computed from the closes. */
  double[] get(String key, Function<double[], double[]> compute) {
    double[] values = cached.get(key);
    if (values != null) {
      return values;
    }
    values = compute.apply(bars.close());
    if (held + values.length <= budget) {
      cached.put(key, values);
      held += values.length;
    } else {
      uncached += values.length;
    }
    return values;
  }

  /** The doubles of all indicators computed so far that did not fit in the budget. */
  long uncached() {
    return uncached;
  }
}
