package dev.simrun.kinds.forecast;

/** An agent has no prediction for a day; the reason is recorded in the day's failures. */
final class AgentFailure extends RuntimeException {
  AgentFailure(String reason) {
    super(reason, null, false, false);
  }
}
