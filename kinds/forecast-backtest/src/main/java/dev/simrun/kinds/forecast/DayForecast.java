package dev.simrun.kinds.forecast;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the agents said on one forecast day: the unit of a {@code forecast-backtest}.
 *
 * @param day the forecast day {@code d}
 * @param last the value of day {@code d}, the newest the agents saw
 * @param actual the value of day {@code d + 1}, the one they predicted
 * @param predictions one per agent, in the order of {@code params.agents}; null where the agent
 *     failed
 * @param failures why agents failed, in agent order; null when none did
 */
@Serdeable
public record DayForecast(
    long day,
    double last,
    double actual,
    List<Double> predictions,
    @Nullable List<Failure> failures) {

  public DayForecast {
    // List.copyOf refuses nulls, and a null prediction is a failed agent.
    predictions = Collections.unmodifiableList(new ArrayList<>(predictions));
    failures = failures == null || failures.isEmpty() ? null : List.copyOf(failures);
  }

  /**
   * @param agent the agent's name
   * @param reason what went wrong: for an http agent one of a fixed vocabulary, e.g. {@code
   *     timeout} or {@code circuit-open} (see {@link HttpAgent})
   */
  @Serdeable
  public record Failure(String agent, String reason) {}
}
