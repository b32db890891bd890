package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks {@link ForecastParams} and resolves them into a {@link ForecastPlan}. Every problem is
 * reported, each with its field's path, and every size the caller controls has a limit (see the
 * constants of {@link ForecastBacktestKind}).
 */
final class ForecastValidation {

  private static final Pattern NAME = Pattern.compile(ForecastBacktestKind.NAME_PATTERN);

  /**
   * Hosts a worker must never be sent to: the cloud metadata server (it hands out credentials). An
   * allowlist of model endpoints belongs in deployment configuration; this is the floor.
   */
  private static final Set<String> FORBIDDEN_HOSTS =
      Set.of("metadata.google.internal", "metadata", "169.254.169.254");

  private final List<FieldError> errors = new ArrayList<>();
  private final Datasets datasets;

  private ForecastValidation(Datasets datasets) {
    this.datasets = datasets;
  }

  /** The problems with {@code params}; empty when they are good. */
  static List<FieldError> errors(ForecastParams params, Datasets datasets) {
    ForecastValidation v = new ForecastValidation(datasets);
    v.check(params);
    return v.errors;
  }

  /**
   * The plan of valid parameters.
   *
   * @throws IllegalArgumentException when they are not valid
   */
  static ForecastPlan plan(ForecastParams params, Datasets datasets) {
    ForecastValidation v = new ForecastValidation(datasets);
    ForecastPlan plan = v.check(params);
    if (!v.errors.isEmpty()) {
      throw new IllegalArgumentException("invalid forecast-backtest params: " + v.errors);
    }
    return plan;
  }

  private void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  private ForecastPlan check(ForecastParams params) {
    if (params == null) {
      error("params", "required");
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
    List<AgentSpec> agents = checkAgents(params.agents(), history);
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

  // ------------------------------------------------------------------------------------ agents

  private List<AgentSpec> checkAgents(List<ForecastParams.Agent> agents, Integer history) {
    int maxAgents = ForecastBacktestKind.MAX_AGENTS;
    if (agents == null) {
      error("agents", "required: 1.." + maxAgents + " agents, e.g. [{\"type\": \"naive\"}]");
      return null;
    }
    if (agents.isEmpty() || agents.size() > maxAgents) {
      error("agents", "must have 1.." + maxAgents + " entries, got " + agents.size());
      return null;
    }
    List<AgentSpec> specs = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < agents.size(); i++) {
      String at = "agents[" + i + "]";
      ForecastParams.Agent agent = agents.get(i);
      if (agent == null) {
        error(at, "required: an agent, e.g. {\"type\": \"naive\"}");
        continue;
      }
      AgentSpec spec = checkAgent(at, agent, history);
      if (spec == null) {
        continue;
      }
      Integer first = names.putIfAbsent(spec.name(), i);
      if (first != null) {
        error(
            at + ".name",
            "'"
                + spec.name()
                + "' is also the name of agents["
                + first
                + "]; give each agent its own name");
        continue;
      }
      specs.add(spec);
    }
    return specs;
  }

  /** Returns the agent's spec when it is valid, else null (errors added). */
  private AgentSpec checkAgent(String at, ForecastParams.Agent agent, Integer history) {
    int before = errors.size();
    String type = agent.type();
    if (type == null) {
      error(at + ".type", "required; one of " + String.join(", ", AgentTypes.ALL));
      return null;
    }
    if (!AgentTypes.ALL.contains(type)) {
      error(
          at + ".type",
          "unknown type '" + abbreviate(type) + "'; one of " + String.join(", ", AgentTypes.ALL));
      return null;
    }
    Set<String> takes = AgentTypes.FIELDS.get(type);
    for (Map.Entry<String, Object> field : typeFields(agent).entrySet()) {
      if (field.getValue() != null && !takes.contains(field.getKey())) {
        error(at + "." + field.getKey(), "not a parameter of type " + type);
      }
    }
    String name = agent.name() == null ? type : agent.name();
    if (agent.name() != null && !NAME.matcher(agent.name()).matches()) {
      error(
          at + ".name",
          "must match "
              + ForecastBacktestKind.NAME_PATTERN
              + ", got '"
              + abbreviate(agent.name())
              + "'");
    }
    int latency = 0;
    if (agent.latencyMs() != null) {
      Integer l =
          intIn(at + ".latencyMs", agent.latencyMs(), 0, ForecastBacktestKind.MAX_LATENCY_MS, "ms");
      latency = l == null ? 0 : l;
    }
    int intParam = 0;
    double alpha = 0.0;
    double beta = 0.0;
    URI url = null;
    RetryPolicy retry = null;
    int breakerFailures = 0;
    Duration breakerOpen = null;
    switch (type) {
      case AgentTypes.SEASONAL_NAIVE -> {
        int max =
            history == null
                ? ForecastBacktestKind.MAX_PERIOD
                : Math.min(ForecastBacktestKind.MAX_PERIOD, history);
        Integer period = intIn(at + ".period", agent.period(), 1, max, "days (at most history)");
        intParam = period == null ? 0 : period;
      }
      case AgentTypes.MOVING_AVERAGE -> {
        int max = history == null ? ForecastBacktestKind.MAX_HISTORY : history;
        Integer window = intIn(at + ".window", agent.window(), 1, max, "days (at most history)");
        intParam = window == null ? 0 : window;
      }
      case AgentTypes.HOLT -> {
        if (agent.alpha() == null) {
          error(at + ".alpha", "required: the level smoothing factor, in (0, 1]");
        } else if (!(agent.alpha() > 0.0 && agent.alpha() <= 1.0)) {
          error(at + ".alpha", "must be in (0, 1], got " + agent.alpha());
        } else {
          alpha = agent.alpha();
        }
        if (agent.beta() == null) {
          error(at + ".beta", "required: the trend smoothing factor, in [0, 1]");
        } else if (!(agent.beta() >= 0.0 && agent.beta() <= 1.0)) {
          error(at + ".beta", "must be in [0, 1], got " + agent.beta());
        } else {
          beta = agent.beta();
        }
      }
      case AgentTypes.AR -> {
        Integer order =
            intIn(at + ".order", agent.order(), 1, ForecastBacktestKind.MAX_AR_ORDER, "lags");
        if (order != null && history != null && history < 2 * order + 2) {
          error(
              at + ".order",
              "needs history >= 2 * order + 2 ("
                  + (2 * order + 2)
                  + ") to fit, history is "
                  + history);
        }
        intParam = order == null ? 0 : order;
      }
      case AgentTypes.HTTP -> {
        url = checkUrl(at + ".url", agent.url());
        Integer timeout =
            orDefault(
                optionalIntIn(
                    at + ".timeoutMs",
                    agent.timeoutMs(),
                    1,
                    ForecastBacktestKind.MAX_TIMEOUT_MS,
                    "ms"),
                ForecastBacktestKind.DEFAULT_TIMEOUT_MS);
        Integer retries =
            orDefault(
                optionalIntIn(
                    at + ".retries", agent.retries(), 0, ForecastBacktestKind.MAX_RETRIES, ""),
                ForecastBacktestKind.DEFAULT_RETRIES);
        Integer backoff =
            orDefault(
                optionalIntIn(
                    at + ".backoffMs",
                    agent.backoffMs(),
                    0,
                    ForecastBacktestKind.MAX_BACKOFF_MS,
                    "ms"),
                ForecastBacktestKind.DEFAULT_BACKOFF_MS);
        retry = new RetryPolicy(Duration.ofMillis(timeout), retries, Duration.ofMillis(backoff));
        ForecastParams.Breaker breaker = agent.breaker();
        breakerFailures = ForecastBacktestKind.DEFAULT_BREAKER_FAILURES;
        breakerOpen = Duration.ofMillis(ForecastBacktestKind.DEFAULT_BREAKER_OPEN_MS);
        if (breaker != null) {
          breakerFailures =
              orDefault(
                  optionalIntIn(
                      at + ".breaker.failures",
                      breaker.failures(),
                      1,
                      ForecastBacktestKind.MAX_BREAKER_FAILURES,
                      "failed attempts"),
                  breakerFailures);
          breakerOpen =
              Duration.ofMillis(
                  orDefault(
                      optionalIntIn(
                          at + ".breaker.openMs",
                          breaker.openMs(),
                          0,
                          ForecastBacktestKind.MAX_BREAKER_OPEN_MS,
                          "ms"),
                      (int) breakerOpen.toMillis()));
        }
      }
      default -> {}
    }
    if (errors.size() > before) {
      return null;
    }
    AgentSpec spec =
        new AgentSpec(
            name, type, intParam, alpha, beta, url, retry, breakerFailures, breakerOpen, latency);
    if (spec.worstCaseMillis() > ForecastBacktestKind.MAX_DAY_MILLIS) {
      error(
          at,
          "may take "
              + spec.worstCaseMillis()
              + " ms for one day (latencyMs plus every attempt and backoff), more than "
              + ForecastBacktestKind.MAX_DAY_MILLIS
              + " ms");
      return null;
    }
    return spec;
  }

  /** The type-specific fields of an agent, by name, in declaration order. */
  private static Map<String, Object> typeFields(ForecastParams.Agent a) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("period", a.period());
    fields.put("window", a.window());
    fields.put("alpha", a.alpha());
    fields.put("beta", a.beta());
    fields.put("order", a.order());
    fields.put("url", a.url());
    fields.put("timeoutMs", a.timeoutMs());
    fields.put("retries", a.retries());
    fields.put("backoffMs", a.backoffMs());
    fields.put("breaker", a.breaker());
    return fields;
  }

  private URI checkUrl(String at, String url) {
    if (url == null) {
      error(at, "required: the model endpoint, http:// or https://");
      return null;
    }
    if (url.length() > ForecastBacktestKind.MAX_URL_LENGTH) {
      error(at, "must be at most " + ForecastBacktestKind.MAX_URL_LENGTH + " characters");
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      error(at, "not a URL: " + e.getMessage());
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      error(at, "must be an http:// or https:// URL, got '" + abbreviate(url) + "'");
      return null;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      error(at, "needs a host, got '" + abbreviate(url) + "'");
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      error(at, "must not carry credentials");
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (FORBIDDEN_HOSTS.contains(host) || host.startsWith("169.254.")) {
      error(at, "must not point at the metadata server or a link-local address");
      return null;
    }
    if (uri.getFragment() != null) {
      error(at, "must not have a fragment");
      return null;
    }
    return uri;
  }

  // ------------------------------------------------------------------------------------ totals

  private void checkTotals(ForecastPlan plan) {
    long days = plan.days();
    long work = days * plan.workPerDay();
    if (work > ForecastBacktestKind.MAX_WORK) {
      error(
          "params",
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
          "params",
          "too much waiting: "
              + days
              + " days × "
              + plan.latencyDayMillis()
              + " ms of latency = "
              + waiting
              + " ms exceeds "
              + ForecastBacktestKind.MAX_TOTAL_LATENCY_MS
              + " ms");
    }
  }

  // ----------------------------------------------------------------------------------- helpers

  private Integer intIn(String at, Integer value, int min, int max, String what) {
    String unit = what.isEmpty() ? "" : " " + what;
    if (value == null) {
      error(at, "required: " + min + ".." + max + unit);
      return null;
    }
    if (value < min || value > max) {
      error(at, "must be in " + min + ".." + max + unit + ", got " + value);
      return null;
    }
    return value;
  }

  private void finiteIn(String at, Double value, double min, double max) {
    if (value != null && !(Double.isFinite(value) && value >= min && value <= max)) {
      error(at, "must be a finite number in " + min + ".." + max + ", got " + value);
    }
  }

  /** Like {@link #intIn} for a field that may be left out (null then, without an error). */
  private Integer optionalIntIn(String at, Integer value, int min, int max, String what) {
    return value == null ? null : intIn(at, value, min, max, what);
  }

  private static Integer orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 59) + "…";
  }
}
