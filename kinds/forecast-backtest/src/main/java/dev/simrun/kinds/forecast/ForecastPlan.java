package dev.simrun.kinds.forecast;

import java.util.List;

/**
 * Valid parameters with their defaults filled in.
 *
 * @param start the first forecast day
 * @param end the last forecast day (inclusive)
 * @param history the window length
 * @param agents the agents, in order
 * @param ensemble the ensemble method
 * @param ensembleWindow the recent-error window of {@code inverse-error}
 */
record ForecastPlan(
    int start, int end, int history, List<AgentSpec> agents, String ensemble, int ensembleWindow) {

  int days() {
    return end - start + 1;
  }

  List<String> names() {
    return agents.stream().map(AgentSpec::name).toList();
  }

  /** The longest any agent may take on one day; the agents of a day run in parallel. */
  long worstCaseDayMillis() {
    return agents.stream().mapToLong(AgentSpec::worstCaseMillis).max().orElse(0);
  }

  long typicalDayMillis() {
    return agents.stream().mapToLong(AgentSpec::typicalMillis).max().orElse(0);
  }

  /** The simulated latency of one day's calls, every agent's {@code latencyMs} added up. */
  long latencyDayMillis() {
    return agents.stream().mapToLong(AgentSpec::latencyMs).sum();
  }

  long workPerDay() {
    return agents.stream().mapToLong(a -> a.workPerDay(history)).sum();
  }
}
