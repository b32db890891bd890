package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Egress;
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
 * Checks the {@code agents} of {@link ForecastParams} and resolves each into an {@link AgentSpec}:
 * its type's fields, its name, its latency, and for an {@code http} agent a URL a worker may call,
 * its retries and its circuit breaker, within the limits of {@link ForecastBacktestKind}.
 */
final class AgentValidation extends FieldChecks {

  private static final Pattern NAME = Pattern.compile(ForecastBacktestKind.NAME_PATTERN);

  private final Egress egress;

  /**
   * Adds its errors to {@code errors}, beside those of the other fields.
   *
   * @param egress where the platform lets calls go, to refuse a URL it would refuse; null to check
   *     only the URL's form (the call checks the rest)
   */
  AgentValidation(List<FieldError> errors, Egress egress) {
    super(errors);
    this.egress = egress;
  }

  /**
   * The specs of the valid agents, in order; null when the list itself is missing or of the wrong
   * size. Errors are added for the others.
   */
  List<AgentSpec> check(List<ForecastParams.Agent> agents, Integer history) {
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
      error(at, "required: the model endpoint, https://");
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
      error(at, "must be an https:// URL, got '" + abbreviate(url) + "'");
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
    Optional<String> refusal = egress == null ? Optional.empty() : egress.refusal(uri);
    if (refusal.isPresent()) {
      error(at, refusal.get() + ", got '" + abbreviate(url) + "'");
      return null;
    }
    if (uri.getFragment() != null) {
      error(at, "must not have a fragment");
      return null;
    }
    return uri;
  }
}
