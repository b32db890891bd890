package dev.simrun.kinds.forecast;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The final result of a {@code forecast-backtest}.
 *
 * @param days the forecast days asked for, {@code end - start + 1}
 * @param daysRan the days in {@code rows}: {@code days}, or fewer in a partial result
 * @param ensemble the ensemble method
 * @param agents each agent's name and metrics, in the order of {@code params.agents}
 * @param ensembleMetrics the ensemble's metrics
 * @param best the agent with the lowest MAE (the first one on a tie); null if no agent predicted
 * @param rows one per forecast day that ran, in day order
 */
@Serdeable
public record ForecastResult(
    int days,
    int daysRan,
    String ensemble,
    List<AgentMetrics> agents,
    Metrics ensembleMetrics,
    @Nullable String best,
    List<Row> rows) {

  public ForecastResult {
    agents = List.copyOf(agents);
    rows = List.copyOf(rows);
  }

  /** An agent's name and metrics. */
  @Serdeable
  public record AgentMetrics(String name, Metrics metrics) {}

  /**
   * One forecast day.
   *
   * @param day the forecast day {@code d}
   * @param actual the value of day {@code d + 1}
   * @param predictions one per agent, in agent order; null where the agent failed
   * @param ensemble the ensemble's prediction; null when every agent failed
   * @param failures why agents failed; null when none did
   */
  @Serdeable
  public record Row(
      long day,
      double actual,
      List<Double> predictions,
      @Nullable Double ensemble,
      @Nullable List<DayForecast.Failure> failures) {

    public Row {
      predictions = Collections.unmodifiableList(new ArrayList<>(predictions));
    }
  }
}
