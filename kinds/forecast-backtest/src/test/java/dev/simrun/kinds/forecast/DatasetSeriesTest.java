package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.Endpoints;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.InMemoryRun;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A forecast over a column of an uploaded dataset: the same numbers as over the same values
 * generated, for any chunking; and the column and the dataset are checked.
 */
class DatasetSeriesTest {
  private static final String ID = "5b0c4e52-1d2f-4f0e-9a63-000000000001";

  /** Datasets held in memory: one, whose closes are the synthetic series of {@link #SYNTHETIC}. */
  private static final ForecastParams.Series SYNTHETIC = ForecastFixtures.synthetic(120, 42);

  private static final double[] VALUES = new SyntheticSeries().values(SYNTHETIC);

  private static final Datasets DATASETS = new InMemoryDatasets(Map.of(ID, bars(VALUES)));

  private final ForecastBacktestKind kind =
      new ForecastBacktestKind(DATASETS, Endpoints.NONE, Clock.systemUTC(), JSON);

  static Bars bars(double[] closes) {
    int n = closes.length;
    long[] time = new long[n];
    double[] volume = new double[n];
    for (int i = 0; i < n; i++) {
      time[i] = 1_700_006_400L + 86_400L * i;
      volume[i] = 1000 + i;
    }
    double[] open = closes.clone();
    double[] high = Arrays.stream(closes).map(c -> c + 1).toArray();
    double[] low = Arrays.stream(closes).map(c -> c - 1).toArray();
    return new Bars(time, open, high, low, closes.clone(), volume);
  }

  private static ForecastParams on(ForecastParams.Series series) {
    ForecastParams builtIns = ForecastFixtures.builtIns();
    return new ForecastParams(
        series,
        builtIns.start(),
        builtIns.end(),
        builtIns.history(),
        builtIns.agents(),
        builtIns.ensemble());
  }

  @Test
  void aDatasetColumnForecastsLikeTheSameValuesGenerated() {
    ForecastParams generated = on(SYNTHETIC);
    ForecastParams uploaded = on(new ForecastParams.Series(null, ID, "close"));
    assertThat(kind.validate(uploaded)).isEmpty();
    assertThat(kind.datasetIds(uploaded)).containsExactly(ID);
    assertThat(kind.unitCount(uploaded)).isEqualTo(kind.unitCount(generated));

    ForecastResult expected = InMemoryRun.run(kind, generated, 91);
    for (int perChunk : List.of(1, 7, 91)) {
      assertThat(InMemoryRun.run(kind, uploaded, perChunk))
          .as("chunk size " + perChunk)
          .isEqualTo(expected);
    }
  }

  @Test
  void theColumnDefaultsToCloseAndMustBeOneOfTheBars() {
    assertThat(InMemoryRun.run(kind, on(new ForecastParams.Series(null, ID, null)), 30))
        .isEqualTo(InMemoryRun.run(kind, on(new ForecastParams.Series(null, ID, "close")), 30));
    assertThat(
            InMemoryRun.run(kind, on(new ForecastParams.Series(null, ID, "high")), 30)
                .rows()
                .get(0)
                .actual())
        .isEqualTo(VALUES[ForecastFixtures.builtIns().start() + 1] + 1);

    List<FieldError> errors = kind.validate(on(new ForecastParams.Series(null, ID, "vwap")));
    assertThat(errors).extracting(FieldError::field).containsExactly("series.column");
    assertThat(errors.getFirst().message()).contains("open, high, low, close, volume");
  }

  @Test
  void anUnknownOrTooShortDatasetIsNamed() {
    Datasets tiny = new InMemoryDatasets(Map.of(ID, bars(new double[] {1, 2})));
    ForecastBacktestKind onTiny =
        new ForecastBacktestKind(tiny, Endpoints.NONE, Clock.systemUTC(), JSON);
    ForecastParams params = on(new ForecastParams.Series(null, ID, null));
    assertThat(onTiny.validate(params))
        .extracting(FieldError::field)
        .containsExactly("series.dataset");
    assertThat(kind.validate(on(new ForecastParams.Series(null, "nope", null))))
        .extracting(FieldError::message)
        .containsExactly("no dataset 'nope'");
  }

  /** Datasets in a map, as {@code StoredDatasets} serves them from PostgreSQL. */
  private record InMemoryDatasets(Map<String, Bars> byId) implements Datasets {
    @Override
    public Optional<Info> info(String id) {
      return Optional.ofNullable(byId.get(id)).map(b -> new Info(id, "prices", b.size()));
    }

    @Override
    public Bars bars(String id) {
      Bars bars = byId.get(id);
      if (bars == null) {
        throw new IllegalArgumentException("no dataset " + id);
      }
      return bars;
    }
  }
}
