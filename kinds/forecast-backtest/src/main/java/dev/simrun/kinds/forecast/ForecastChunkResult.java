package dev.simrun.kinds.forecast;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The result of one chunk: its days, in day order. The ensemble is not here: it is computed at
 * reduce, over all days, so that it does not depend on how the days were split.
 */
@Serdeable
public record ForecastChunkResult(List<DayForecast> days) {
  public ForecastChunkResult {
    days = List.copyOf(days);
  }
}
