package dev.simrun.kinds.forecast;

/** One agent's way to predict the next value from a history window. */
@FunctionalInterface
interface Forecaster {

  /**
   * Predicts the value of day {@code day + 1}.
   *
   * @param history the values of days {@code day - history.length + 1 .. day}, oldest first
   * @throws AgentFailure when the agent has no prediction for the day (the day goes on without it)
   * @throws InterruptedException when the chunk stops while the agent waits
   */
  double predict(long day, double[] history) throws InterruptedException;
}
