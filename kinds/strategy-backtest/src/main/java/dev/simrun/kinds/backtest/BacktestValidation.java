package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.StrategyBacktestKind.DIRECTIONS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_BARS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_BARS_PER_YEAR;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_COST_BPS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_EQUITY_CURVES;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_GRID_VALUES;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_SYMBOLS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_UNITS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MAX_WORK;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.MIN_BARS;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.STRATEGIES;
import static dev.simrun.kinds.backtest.StrategyBacktestKind.SYMBOL_PATTERN;

import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks {@link BacktestParams}: every problem is reported, each with its field's path, and every
 * size the caller controls has a limit (see the constants of {@link StrategyBacktestKind}).
 */
final class BacktestValidation {

  private static final Pattern SYMBOL = Pattern.compile(SYMBOL_PATTERN);

  private BacktestValidation() {}

  /**
   * The problems with {@code params}, a dataset's checked against {@code datasets}; empty when
   * good.
   */
  static List<FieldError> errors(BacktestParams params, Datasets datasets) {
    List<FieldError> errors = new ArrayList<>();
    if (params == null) {
      errors.add(new FieldError(FieldError.PARAMS, "required"));
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
        pointCount = BacktestPlan.points(strategy, lists).length;
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
                FieldError.PARAMS,
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
                FieldError.PARAMS,
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
}
