package dev.simrun.shared.kinds.backtest;

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
  private long held;
  private long uncached;

  IndicatorCache(Ohlc bars, long budget) {
    this.bars = bars;
    this.budget = budget;
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
