package dev.simrun.kinds.forecast;

/**
 * Where the daily values of a {@code forecast-backtest} come from. The kind asks for the whole
 * series once per chunk; an implementation that reads stored data should cache what it decoded,
 * keyed by what identifies the content, since every chunk of a simulation asks for the same series.
 */
public interface SeriesSource {

  /**
   * True when this source reads the given series description (e.g. its {@code synthetic} part is
   * set).
   */
  boolean handles(ForecastParams.Series series);

  /**
   * The values of days {@code 0..n-1}, for a description {@link #handles} accepted and validation
   * passed. The array may be shared: callers must not modify it.
   */
  double[] values(ForecastParams.Series series);
}
