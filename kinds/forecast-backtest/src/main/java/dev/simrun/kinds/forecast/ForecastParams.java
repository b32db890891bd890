package dev.simrun.kinds.forecast;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The parameters of a {@code forecast-backtest}, e.g.
 *
 * <pre>{@code
 * {"series": {"synthetic": {"days": 120, "seed": 7, "level": 100, "trend": 0.2,
 *                           "seasonality": {"period": 7, "amplitude": 5}, "noise": 1.5}},
 *  "start": 30, "end": 118, "history": 28,
 *  "agents": [{"type": "naive"}, {"type": "holt", "alpha": 0.5, "beta": 0.1},
 *             {"type": "ar", "order": 3, "latencyMs": 200}],
 *  "ensemble": {"method": "inverse-error", "window": 14}}
 * }</pre>
 *
 * <p>Every component is nullable so that a request missing a part still parses and {@link
 * ForecastBacktestKind#validate} can name the missing field.
 *
 * @param series where the daily values come from
 * @param start the first forecast day (inclusive): on day {@code d} every agent predicts the value
 *     of day {@code d + 1} from the {@code history} values up to and including day {@code d}
 * @param end the last forecast day (inclusive)
 * @param history how many values, up to and including the forecast day, an agent sees
 * @param agents the forecasters, in the order their predictions are reported
 * @param ensemble how the agents' predictions combine; optional, {@code mean} by default
 */
@Serdeable
public record ForecastParams(
    @Nullable Series series,
    @Nullable Integer start,
    @Nullable Integer end,
    @Nullable Integer history,
    @Nullable List<Agent> agents,
    @Nullable Ensemble ensemble) {

  /**
   * The daily series: exactly one source. {@code synthetic} works today; {@code dataset} (a stored
   * dataset's id and the column to forecast) is accepted by the parser but rejected by validation
   * until datasets exist.
   */
  @Serdeable
  public record Series(
      @Nullable Synthetic synthetic, @Nullable String dataset, @Nullable String column) {}

  /**
   * A generated series (see {@link SyntheticSeries}): {@code level + trend * t + amplitude * sin(2π
   * t / period) + noise * z(t)}.
   *
   * @param days the length of the series
   * @param seed the seed of the noise
   * @param level the value at day 0 without noise; optional, {@value SyntheticSeries#DEFAULT_LEVEL}
   * @param trend the change per day; optional, 0
   * @param seasonality a sine wave; optional, none
   * @param noise the standard deviation of the Gaussian noise; optional, 0
   */
  @Serdeable
  public record Synthetic(
      @Nullable Integer days,
      @Nullable Long seed,
      @Nullable Double level,
      @Nullable Double trend,
      @Nullable Seasonality seasonality,
      @Nullable Double noise) {}

  /**
   * @param period the length of a season in days
   * @param amplitude the height of the sine wave
   */
  @Serdeable
  public record Seasonality(@Nullable Integer period, @Nullable Double amplitude) {}

  /**
   * One forecaster. {@code type} says which of the other fields apply; a field another type uses is
   * rejected, so that a typo in the type does not go unnoticed.
   *
   * @param type {@code naive}, {@code seasonal-naive}, {@code moving-average}, {@code holt}, {@code
   *     ar} or {@code http}
   * @param name the agent's name in results; optional, the type by default (names must differ)
   * @param period {@code seasonal-naive}: the season length in days
   * @param window {@code moving-average}: how many recent values to average
   * @param alpha {@code holt}: the level smoothing factor, in (0, 1]
   * @param beta {@code holt}: the trend smoothing factor, in [0, 1]
   * @param order {@code ar}: how many lags the autoregression uses
   * @param url {@code http}: the model endpoint, http or https
   * @param timeoutMs {@code http}: the limit of one attempt, response body included
   * @param retries {@code http}: further attempts after a failed one
   * @param backoffMs {@code http}: the wait before the first retry; it doubles for each next one
   * @param breaker {@code http}: when to stop calling a failing endpoint
   * @param latencyMs any type: a pause before each prediction, modelling a slow model call
   */
  @Serdeable
  public record Agent(
      @Nullable String type,
      @Nullable String name,
      @Nullable Integer period,
      @Nullable Integer window,
      @Nullable Double alpha,
      @Nullable Double beta,
      @Nullable Integer order,
      @Nullable String url,
      @Nullable Integer timeoutMs,
      @Nullable Integer retries,
      @Nullable Integer backoffMs,
      @Nullable Breaker breaker,
      @Nullable Integer latencyMs) {

    /** An agent of a type with no type-specific field set. */
    public static Agent of(String type) {
      return new Agent(
          type, null, null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  /**
   * The circuit breaker of an {@code http} agent (see {@link CircuitBreaker}).
   *
   * @param failures consecutive failed attempts that open the circuit
   * @param openMs how long an open circuit refuses calls before it lets one trial through
   */
  @Serdeable
  public record Breaker(@Nullable Integer failures, @Nullable Integer openMs) {}

  /**
   * @param method {@code mean}, {@code median} or {@code inverse-error}
   * @param window {@code inverse-error}: how many preceding forecast days the recent errors cover
   */
  @Serdeable
  public record Ensemble(@Nullable String method, @Nullable Integer window) {}
}
