package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.Egress;
import dev.simrun.kinds.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks {@link ForecastParams} and resolves them into a {@link ForecastPlan}. Every problem is
 * reported, each with its field's path, and every size the caller controls has a limit (see the
 * constants of {@link ForecastBacktestKind}); {@link AgentValidation} checks the agents.
 */
final class ForecastValidation extends FieldChecks {

  private final Datasets datasets;
  private final Egress egress;

  private ForecastValidation(Datasets datasets, Egress egress) {
    super(new ArrayList<>());
    this.datasets = datasets;
    this.egress = egress;
  }

  /**
   * The problems with {@code params}, {@code http} agents' URLs judged by {@code egress}; empty
   * when they are good.
   */
  static List<FieldError> errors(ForecastParams params, Datasets datasets, Egress egress) {
    ForecastValidation v = new ForecastValidation(datasets, egress);
    v.check(params);
    return v.errors;
  }

  /**
   * The plan of valid parameters. Where an {@code http} agent may call is not judged again here: it
   * was at the submit, and every call is checked when it is made.
   *
   * @throws IllegalArgumentException when they are not valid
   */
  static ForecastPlan plan(ForecastParams params, Datasets datasets) {
    ForecastValidation v = new ForecastValidation(datasets, null);
    ForecastPlan plan = v.check(params);
    if (!v.errors.isEmpty()) {
      throw new IllegalArgumentException("invalid forecast-backtest params: " + v.errors);
    }
    return plan;
  }

  private ForecastPlan check(ForecastParams params) {
    if (params == null) {
      error(FieldError.PARAMS, "required");
      return null;
    }
    Integer days = checkSeries(params.series());
    Integer history =
        intIn("history", params.history(), 2, ForecastBacktestKind.MAX_HISTORY, "days");
    Integer start = params.start();
    if (start == null) {
      error("start", "required: the first forecast day");
    } else if (history != null && start < history - 1) {
      error(
          "start",
          "must be >= history - 1 ("
              + (history - 1)
              + ") so that the first day has a full history, got "
              + start);
      start = null;
    } else if (start < 0) {
      error("start", "must be >= 0, got " + start);
      start = null;
    }
    Integer end = params.end();
    if (end == null) {
      error("end", "required: the last forecast day");
    } else if (end < 0) {
      error("end", "must be >= 0, got " + end);
      end = null;
    } else if (start != null && end < start) {
      error("end", "must be >= start (" + start + "), got " + end);
      end = null;
    } else if (days != null && end > days - 2) {
      error(
          "end",
          "must be <= days - 2 ("
              + (days - 2)
              + ") so that the day after it has a value, got "
              + end);
      end = null;
    }
    String method = Ensemble.MEAN;
    int window = ForecastBacktestKind.DEFAULT_ENSEMBLE_WINDOW;
    ForecastParams.Ensemble ensemble = params.ensemble();
    if (ensemble != null) {
      String supported = "supported: " + String.join(", ", Ensemble.METHODS);
      if (ensemble.method() == null) {
        error("ensemble.method", "required; " + supported);
      } else if (!Ensemble.METHODS.contains(ensemble.method())) {
        error("ensemble.method", "unknown method '" + ensemble.method() + "'; " + supported);
      } else {
        method = ensemble.method();
      }
      if (ensemble.window() != null) {
        if (ensemble.method() != null && !Ensemble.INVERSE_ERROR.equals(ensemble.method())) {
          error("ensemble.window", "only inverse-error takes a window");
        } else {
          Integer w =
              intIn(
                  "ensemble.window",
                  ensemble.window(),
                  1,
                  ForecastBacktestKind.MAX_ENSEMBLE_WINDOW,
                  "days");
          window = w == null ? window : w;
        }
      }
    }
    List<AgentSpec> agents = new AgentValidation(errors, egress).check(params.agents(), history);
    if (!errors.isEmpty()) {
      return null;
    }
    ForecastPlan plan = new ForecastPlan(start, end, history, agents, method, window);
    checkTotals(plan);
    return errors.isEmpty() ? plan : null;
  }

  // ------------------------------------------------------------------------------------ series

  /** Returns the series length when the series is valid, else null. */
  private Integer checkSeries(ForecastParams.Series series) {
    if (series == null) {
      error("series", "required, e.g. {\"synthetic\": {\"days\": 120, \"seed\": 1}}");
      return null;
    }
    if (series.synthetic() != null && series.dataset() != null) {
      error("series", "give exactly one source: synthetic or dataset");
      return null;
    }
    if (series.dataset() != null) {
      return checkDataset(series);
    }
    if (series.column() != null) {
      error("series.column", "only a dataset has columns");
    }
    ForecastParams.Synthetic s = series.synthetic();
    if (s == null) {
      error("series", "needs a source: synthetic or dataset");
      return null;
    }
    Integer days =
        intIn("series.synthetic.days", s.days(), 3, ForecastBacktestKind.MAX_DAYS, "days");
    if (s.seed() == null) {
      error("series.synthetic.seed", "required: any 64-bit integer");
    }
    double max = ForecastBacktestKind.MAX_MAGNITUDE;
    finiteIn("series.synthetic.level", s.level(), -max, max);
    finiteIn("series.synthetic.trend", s.trend(), -max, max);
    finiteIn("series.synthetic.noise", s.noise(), 0.0, max);
    ForecastParams.Seasonality season = s.seasonality();
    if (season != null) {
      intIn(
          "series.synthetic.seasonality.period",
          season.period(),
          2,
          ForecastBacktestKind.MAX_PERIOD,
          "days");
      if (season.amplitude() == null) {
        error("series.synthetic.seasonality.amplitude", "required: 0.." + max);
      } else {
        finiteIn("series.synthetic.seasonality.amplitude", season.amplitude(), 0.0, max);
      }
    }
    return days;
  }

  /** Returns the dataset's row count, one day per row, when the dataset and column are valid. */
  private Integer checkDataset(ForecastParams.Series series) {
    String column = series.column() == null ? DatasetSeries.DEFAULT_COLUMN : series.column();
    if (!DatasetSeries.COLUMNS.contains(column)) {
      error(
          "series.column",
          "must be one of "
              + String.join(", ", DatasetSeries.COLUMNS)
              + ", got '"
              + abbreviate(column)
              + "'");
    }
    Optional<Datasets.Info> info = datasets.info(series.dataset());
    if (info.isEmpty()) {
      error("series.dataset", "no dataset '" + abbreviate(series.dataset()) + "'");
      return null;
    }
    int rows = info.get().rows();
    if (rows < 3 || rows > ForecastBacktestKind.MAX_DAYS) {
      error(
          "series.dataset",
          "has "
              + rows
              + " rows; a series needs 3.."
              + ForecastBacktestKind.MAX_DAYS
              + " days, one per row");
      return null;
    }
    return rows;
  }

  // ------------------------------------------------------------------------------------ totals

  private void checkTotals(ForecastPlan plan) {
    long days = plan.days();
    long work = days * plan.workPerDay();
    if (work > ForecastBacktestKind.MAX_WORK) {
      error(
          FieldError.PARAMS,
          "too much work: "
              + days
              + " days × "
              + plan.workPerDay()
              + " operations per day = "
              + work
              + " exceeds "
              + ForecastBacktestKind.MAX_WORK
              + "; use fewer days, a shorter history, fewer or simpler agents");
    }
    long waiting = days * plan.latencyDayMillis();
    if (waiting > ForecastBacktestKind.MAX_TOTAL_LATENCY_MS) {
      error(
          "agents",
          "too much waiting: "
              + days
              + " days × "
              + plan.latencyDayMillis()
              + " ms of latencyMs (all agents' added up) = "
              + waiting
              + " ms of simulated latency exceeds the limit of "
              + ForecastBacktestKind.MAX_TOTAL_LATENCY_MS
              + " ms per simulation; use fewer days, fewer slow agents or a smaller latencyMs");
    }
  }
}
