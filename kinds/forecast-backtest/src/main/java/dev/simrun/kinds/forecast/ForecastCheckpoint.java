package dev.simrun.kinds.forecast;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * How far an attempt of a chunk got: the days it finished, from the chunk's first day on, so that a
 * retry does not call slow agents again for them.
 *
 * @param from the chunk's first unit, to check that the checkpoint belongs to the chunk
 * @param days the finished days, in day order
 */
@Serdeable
public record ForecastCheckpoint(long from, List<DayForecast> days) {
  public ForecastCheckpoint {
    days = List.copyOf(days);
  }
}
