package dev.simrun.kinds.backtest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of a strategy's grid: the values of its parameters; the others are null (and left out
 * of JSON).
 */
@Serdeable
public record GridPoint(
    @Nullable Integer fast,
    @Nullable Integer slow,
    @Nullable Integer period,
    @Nullable Double lower,
    @Nullable Double upper,
    @Nullable Double k,
    @Nullable Integer lookback,
    @Nullable Double threshold) {

  /** The point of {@code strategy} whose values, in parameter order, are {@code values}. */
  static GridPoint of(Strategy strategy, double[] values) {
    Map<String, Number> byName = new LinkedHashMap<>();
    List<Strategy.ParamSpec> specs = strategy.params();
    for (int i = 0; i < specs.size(); i++) {
      Strategy.ParamSpec spec = specs.get(i);
      byName.put(spec.name(), spec.integer() ? (Number) (int) values[i] : (Number) values[i]);
    }
    return new GridPoint(
        (Integer) byName.get("fast"),
        (Integer) byName.get("slow"),
        (Integer) byName.get("period"),
        (Double) byName.get("lower"),
        (Double) byName.get("upper"),
        (Double) byName.get("k"),
        (Integer) byName.get("lookback"),
        (Double) byName.get("threshold"));
  }

  /** The values of {@code strategy}'s parameters by name, in parameter order. */
  Map<String, Object> values(Strategy strategy) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("fast", fast);
    all.put("slow", slow);
    all.put("period", period);
    all.put("lower", lower);
    all.put("upper", upper);
    all.put("k", k);
    all.put("lookback", lookback);
    all.put("threshold", threshold);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Strategy.ParamSpec spec : strategy.params()) {
      values.put(spec.name(), all.get(spec.name()));
    }
    return values;
  }
}
