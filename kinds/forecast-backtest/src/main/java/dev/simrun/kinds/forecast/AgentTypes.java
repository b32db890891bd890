package dev.simrun.kinds.forecast;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The agent types and which of {@link ForecastParams.Agent}'s fields each one takes. */
final class AgentTypes {

  static final String NAIVE = "naive";
  static final String SEASONAL_NAIVE = "seasonal-naive";
  static final String MOVING_AVERAGE = "moving-average";
  static final String HOLT = "holt";
  static final String AR = "ar";
  static final String HTTP = "http";

  static final List<String> ALL = List.of(NAIVE, SEASONAL_NAIVE, MOVING_AVERAGE, HOLT, AR, HTTP);

  /** The type-specific fields; {@code type}, {@code name} and {@code latencyMs} suit every type. */
  static final Map<String, Set<String>> FIELDS =
      Map.of(
          NAIVE, Set.of(),
          SEASONAL_NAIVE, Set.of("period"),
          MOVING_AVERAGE, Set.of("window"),
          HOLT, Set.of("alpha", "beta"),
          AR, Set.of("order"),
          HTTP, Set.of("url", "timeoutMs", "retries", "backoffMs", "breaker"));

  private AgentTypes() {}
}
