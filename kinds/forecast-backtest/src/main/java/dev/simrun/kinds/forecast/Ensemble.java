package dev.simrun.kinds.forecast;

import java.util.Arrays;
import java.util.List;

/**
 * Combines the agents' predictions of each day into one, from the days alone (never from how they
 * were chunked). A day where every agent failed has no ensemble prediction (null).
 *
 * <ul>
 *   <li>{@code mean}: the mean of the day's predictions, summed in agent order.
 *   <li>{@code median}: the middle prediction, or the mean of the two middle ones.
 *   <li>{@code inverse-error}: a mean weighted by {@code 1 / MAE}, each agent's MAE taken over the
 *       forecast days {@code d - window .. d - 1} (days whose actual value was known on day {@code
 *       d}) on which it predicted. Agents without such a day get no weight; if no agent that
 *       predicted today has one, the day falls back to the mean. If some agents' recent MAE is 0,
 *       the ensemble is the mean of those agents' predictions (and if tiny errors overflow the
 *       weights, the day falls back to the mean too).
 * </ul>
 */
public final class Ensemble {

  public static final String MEAN = "mean";
  public static final String MEDIAN = "median";
  public static final String INVERSE_ERROR = "inverse-error";
  public static final List<String> METHODS = List.of(MEAN, MEDIAN, INVERSE_ERROR);

  private Ensemble() {}

  /**
   * The ensemble prediction of each day, for days in increasing day order (gaps allowed: a partial
   * result).
   *
   * @param window the recent-error window of {@code inverse-error}, in days
   */
  public static Double[] combine(String method, int window, List<DayForecast> days) {
    Double[] out = new Double[days.size()];
    for (int i = 0; i < days.size(); i++) {
      List<Double> predictions = days.get(i).predictions();
      out[i] =
          switch (method) {
            case MEAN -> mean(predictions);
            case MEDIAN -> median(predictions);
            case INVERSE_ERROR -> inverseError(days, i, window);
            default -> throw new IllegalArgumentException("no ensemble method " + method);
          };
    }
    return out;
  }

  static Double mean(List<Double> predictions) {
    double sum = 0.0;
    int count = 0;
    for (Double p : predictions) {
      if (p != null) {
        sum += p;
        count++;
      }
    }
    return count == 0 ? null : sum / count;
  }

  static Double median(List<Double> predictions) {
    double[] present = predictions.stream().filter(p -> p != null).mapToDouble(p -> p).toArray();
    if (present.length == 0) {
      return null;
    }
    Arrays.sort(present);
    int mid = present.length / 2;
    return present.length % 2 == 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2.0;
  }

  private static Double inverseError(List<DayForecast> days, int index, int window) {
    DayForecast today = days.get(index);
    long from = today.day() - window;
    int first = index;
    while (first > 0 && days.get(first - 1).day() >= from) {
      first--;
    }
    int agents = today.predictions().size();
    double weighted = 0.0;
    double weights = 0.0;
    double perfectSum = 0.0;
    int perfect = 0;
    for (int a = 0; a < agents; a++) {
      Double p = today.predictions().get(a);
      if (p == null) {
        continue;
      }
      double errorSum = 0.0;
      int count = 0;
      for (int j = first; j < index; j++) {
        DayForecast past = days.get(j);
        Double q = past.predictions().get(a);
        if (q != null) {
          errorSum += Math.abs(past.actual() - q);
          count++;
        }
      }
      if (count == 0) {
        continue;
      }
      double mae = errorSum / count;
      if (mae == 0.0) {
        perfectSum += p;
        perfect++;
      } else {
        weighted += p / mae;
        weights += 1.0 / mae;
      }
    }
    if (perfect > 0) {
      return perfectSum / perfect;
    }
    if (weights == 0.0) {
      return mean(today.predictions());
    }
    double combined = weighted / weights;
    return Double.isFinite(combined) ? combined : mean(today.predictions());
  }
}
