package dev.simrun.kinds.forecast;

import dev.simrun.kinds.ResultTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The result from the chunks' days: the days in order and checked, the ensemble of each day, every
 * agent's metrics and the ensemble's, and the result as the rows of {@code result.csv}.
 */
final class ForecastResults {

  private ForecastResults() {}

  /** The chunks' days in day order, checked: in range, no repeats, one prediction per agent. */
  static List<DayForecast> days(ForecastPlan plan, List<ForecastChunkResult> chunks) {
    List<DayForecast> days = new ArrayList<>();
    for (ForecastChunkResult chunk : chunks) {
      days.addAll(chunk.days());
    }
    days.sort((a, b) -> Long.compare(a.day(), b.day()));
    long previous = Long.MIN_VALUE;
    for (DayForecast day : days) {
      if (day.day() < plan.start() || day.day() > plan.end() || day.day() == previous) {
        throw new IllegalArgumentException(
            "day "
                + day.day()
                + " is outside ["
                + plan.start()
                + ", "
                + plan.end()
                + "] or repeated");
      }
      if (day.predictions().size() != plan.agents().size()) {
        throw new IllegalArgumentException(
            "day "
                + day.day()
                + " has "
                + day.predictions().size()
                + " predictions for "
                + plan.agents().size()
                + " agents");
      }
      previous = day.day();
    }
    return days;
  }

  /** The ensemble and the metrics over {@code days}, in day order. */
  static ForecastResult of(ForecastPlan plan, List<DayForecast> days) {
    Double[] ensemble = Ensemble.combine(plan.ensemble(), plan.ensembleWindow(), days);
    int agents = plan.agents().size();
    Metrics.Accumulator[] perAgent = new Metrics.Accumulator[agents];
    Arrays.setAll(perAgent, i -> new Metrics.Accumulator());
    Metrics.Accumulator combined = new Metrics.Accumulator();
    List<ForecastResult.Row> rows = new ArrayList<>(days.size());
    for (int i = 0; i < days.size(); i++) {
      DayForecast day = days.get(i);
      for (int a = 0; a < agents; a++) {
        perAgent[a].add(day.last(), day.actual(), day.predictions().get(a));
      }
      combined.add(day.last(), day.actual(), ensemble[i]);
      rows.add(
          new ForecastResult.Row(
              day.day(), day.actual(), day.predictions(), ensemble[i], day.failures()));
    }
    List<ForecastResult.AgentMetrics> metrics = new ArrayList<>(agents);
    String best = null;
    double bestMae = Double.POSITIVE_INFINITY;
    for (int a = 0; a < agents; a++) {
      String name = plan.agents().get(a).name();
      Metrics m = perAgent[a].metrics();
      metrics.add(new ForecastResult.AgentMetrics(name, m));
      if (m.mae() != null && m.mae() < bestMae) {
        best = name;
        bestMae = m.mae();
      }
    }
    return new ForecastResult(
        plan.days(), days.size(), plan.ensemble(), metrics, combined.metrics(), best, rows);
  }

  /**
   * One row per day and agent, then the day's ensemble (agent {@code ensemble}): the prediction,
   * the actual value, the error (prediction minus actual) and, for a failed agent, why.
   */
  static ResultTable table(ForecastResult result) {
    List<String> names = result.agents().stream().map(ForecastResult.AgentMetrics::name).toList();
    Stream<List<?>> rows =
        result.rows().stream()
            .flatMap(
                row -> {
                  List<List<?>> day = new ArrayList<>(names.size() + 1);
                  for (int a = 0; a < names.size(); a++) {
                    day.add(
                        cells(
                            row.day(),
                            names.get(a),
                            row.actual(),
                            row.predictions().get(a),
                            failure(row, names.get(a))));
                  }
                  day.add(cells(row.day(), "ensemble", row.actual(), row.ensemble(), null));
                  return day.stream();
                });
    return new ResultTable(
        List.of("day", "agent", "actual", "prediction", "error", "failure"), rows);
  }

  private static List<?> cells(
      long day, String agent, double actual, Double prediction, String failure) {
    return Arrays.asList(
        day, agent, actual, prediction, prediction == null ? null : prediction - actual, failure);
  }

  private static String failure(ForecastResult.Row row, String agent) {
    if (row.failures() == null) {
      return null;
    }
    for (DayForecast.Failure failure : row.failures()) {
      if (failure.agent().equals(agent)) {
        return failure.reason();
      }
    }
    return null;
  }
}
