package dev.simrun.kinds.forecast;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The accuracy of one forecaster (an agent or the ensemble) over the days it predicted. With {@code
 * a} the actual value, {@code p} the prediction and {@code l} the forecast day's own value (the
 * last one the forecaster saw), over the {@code count} days with a prediction:
 *
 * <ul>
 *   <li>{@code mae}: mean of {@code |a - p|};
 *   <li>{@code rmse}: square root of the mean of {@code (a - p)²};
 *   <li>{@code mape}: mean of {@code 100 |a - p| / |a|} over the days with {@code a != 0} (null if
 *       there is none);
 *   <li>{@code smape}: mean of {@code 200 |a - p| / (|a| + |p|)}, a day with {@code a = p = 0}
 *       counting 0;
 *   <li>{@code directionAccuracy}: the fraction of days where {@code signum(p - l) == signum(a -
 *       l)} (a flat prediction is right only about a flat day).
 * </ul>
 *
 * Sums run in day order. Every metric is null when {@code count} is 0 (JSON has no NaN).
 *
 * @param count the days with a prediction
 * @param missing the days without one (the agent failed)
 */
@Serdeable
public record Metrics(
    int count,
    int missing,
    @Nullable Double mae,
    @Nullable Double rmse,
    @Nullable Double mape,
    @Nullable Double smape,
    @Nullable Double directionAccuracy) {

  /** Accumulates the metrics of one forecaster, fed days in order. */
  public static final class Accumulator {
    private int count;
    private int missing;
    private double absSum;
    private double squareSum;
    private int mapeCount;
    private double mapeSum;
    private double smapeSum;
    private int directionHits;

    /** Adds one day: its value {@code last}, the actual next value and the prediction, or null. */
    public void add(double last, double actual, @Nullable Double prediction) {
      if (prediction == null) {
        missing++;
        return;
      }
      double p = prediction;
      double error = Math.abs(actual - p);
      count++;
      absSum += error;
      squareSum += error * error;
      if (actual != 0.0) {
        mapeCount++;
        mapeSum += 100.0 * error / Math.abs(actual);
      }
      double denominator = Math.abs(actual) + Math.abs(p);
      if (denominator != 0.0) {
        // At most 200, as |a - p| <= |a| + |p|; rounding of opposite signs could step past it.
        smapeSum += Math.min(200.0, 200.0 * error / denominator);
      }
      if (Math.signum(p - last) == Math.signum(actual - last)) {
        directionHits++;
      }
    }

    /** The mean absolute error so far, or null before the first prediction. */
    public @Nullable Double mae() {
      return count == 0 ? null : absSum / count;
    }

    public Metrics metrics() {
      if (count == 0) {
        return new Metrics(0, missing, null, null, null, null, null);
      }
      return new Metrics(
          count,
          missing,
          absSum / count,
          Math.sqrt(squareSum / count),
          mapeCount == 0 ? null : mapeSum / mapeCount,
          smapeSum / count,
          (double) directionHits / count);
    }
  }
}
