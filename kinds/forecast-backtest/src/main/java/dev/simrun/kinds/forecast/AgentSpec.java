package dev.simrun.kinds.forecast;

import java.net.URI;
import java.time.Duration;

/**
 * A validated agent with its defaults filled in.
 *
 * @param intParam the type's integer parameter: period, window or order (0 when none)
 * @param alpha holt's alpha (0 otherwise)
 * @param beta holt's beta (0 otherwise)
 * @param url http's endpoint (null otherwise)
 * @param retry http's retry policy (null otherwise)
 * @param breakerFailures http's breaker threshold (0 otherwise)
 * @param breakerOpen http's breaker open time (null otherwise)
 */
record AgentSpec(
    String name,
    String type,
    int intParam,
    double alpha,
    double beta,
    URI url,
    RetryPolicy retry,
    int breakerFailures,
    Duration breakerOpen,
    int latencyMs) {

  /** The longest one prediction may take: the latency plus, for http, every attempt and wait. */
  long worstCaseMillis() {
    return latencyMs + (retry == null ? 0 : retry.worstCase().toMillis());
  }

  /** What one prediction usually takes: the latency plus, for http, one attempt at its limit. */
  long typicalMillis() {
    return latencyMs + (retry == null ? 0 : retry.timeout().toMillis());
  }

  /** A rough count of arithmetic operations per prediction, for the work limit. */
  long workPerDay(int history) {
    return switch (type) {
      case AgentTypes.MOVING_AVERAGE -> intParam;
      case AgentTypes.HOLT, AgentTypes.HTTP -> history;
      case AgentTypes.AR -> {
        long k = intParam + 1L;
        yield (history - intParam) * k * k + k * k * k + history;
      }
      default -> 1;
    };
  }
}
