package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import java.util.List;

/**
 * A column of an uploaded dataset as the daily series: row {@code i} is day {@code i}, in the
 * dataset's time order (the rows' spacing is not checked; a series of weekly bars is forecast week
 * by week). Decoded bars are cached by {@link Datasets}.
 */
final class DatasetSeries implements SeriesSource {
  static final String DEFAULT_COLUMN = "close";
  static final List<String> COLUMNS = List.of("open", "high", "low", "close", "volume");

  private final Datasets datasets;

  DatasetSeries(Datasets datasets) {
    this.datasets = datasets;
  }

  @Override
  public boolean handles(ForecastParams.Series series) {
    return series.dataset() != null;
  }

  @Override
  public double[] values(ForecastParams.Series series) {
    Bars bars = datasets.bars(series.dataset());
    String column = series.column() == null ? DEFAULT_COLUMN : series.column();
    return switch (column) {
      case "open" -> bars.open();
      case "high" -> bars.high();
      case "low" -> bars.low();
      case "close" -> bars.close();
      case "volume" -> bars.volume();
      default -> throw new IllegalArgumentException("no column " + column);
    };
  }
}
