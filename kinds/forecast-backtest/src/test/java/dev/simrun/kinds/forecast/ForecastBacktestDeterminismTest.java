package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.JSON;
import static dev.simrun.kinds.forecast.ForecastFixtures.builtIns;
import static dev.simrun.kinds.forecast.ForecastFixtures.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForecastBacktestDeterminismTest {

  private final ForecastBacktestKind kind = kind();
  private final SimulationKinds kinds = new SimulationKinds(List.of(kind), JSON);

  private ForecastParams with(String method, int window) {
    ForecastParams p = builtIns();
    return new ForecastParams(
        p.series(),
        p.start(),
        p.end(),
        p.history(),
        p.agents(),
        new ForecastParams.Ensemble(method, "inverse-error".equals(method) ? window : null));
  }

  @Test
  void theResultIsByteIdenticalForChunksOfOneSevenAndAllDays() {
    for (String method : Ensemble.METHODS) {
      ForecastParams params = with(method, 10);
      int days = (int) kind.unitCount(params);
      assertThat(days).isEqualTo(91);
      byte[] one = kinds.write(InMemoryRun.run(kind, params, 1));
      byte[] seven = kinds.write(InMemoryRun.run(kind, params, 7));
      byte[] all = kinds.write(InMemoryRun.run(kind, params, days));
      byte[] fresh = kinds.write(InMemoryRun.run(kind(), params, 13));
      assertThat(seven).as(method).isEqualTo(one);
      assertThat(all).as(method).isEqualTo(one);
      assertThat(fresh).as(method).isEqualTo(one);
    }
  }

  @Test
  void chunkResultsStoredAsJsonReduceToTheSameBytes() {
    ForecastParams params = builtIns();
    long days = kind.unitCount(params);
    List<byte[]> stored = new ArrayList<>();
    for (long from = 0; from < days; from += 9) {
      UnitRange range = new UnitRange(from, Math.min(days, from + 9));
      ForecastChunkResult chunk = kind.runChunk(params, range, ChunkContext.NONE);
      byte[] bytes = kinds.write(chunk);
      assertThat(kinds.read(bytes, ForecastChunkResult.class)).isEqualTo(chunk);
      stored.add(bytes);
    }
    SimulationKinds.Reduced reduced = kinds.reduce(kind, params, stored);
    assertThat(reduced.json()).isEqualTo(kinds.write(InMemoryRun.run(kind, params, 1)));

    ForecastResult result = kinds.read(reduced.json(), ForecastResult.class);
    assertThat(result.days()).isEqualTo(91);
    assertThat(result.daysRan()).isEqualTo(91);
    assertThat(result.rows()).hasSize(91);
    assertThat(result.rows().getFirst().day()).isEqualTo(28);
    assertThat(result.rows().getLast().day()).isEqualTo(118);
    assertThat(result.agents())
        .extracting(ForecastResult.AgentMetrics::name)
        .containsExactly("naive", "seasonal-naive", "moving-average", "holt", "ar");
    assertThat(result.agents()).allSatisfy(a -> assertThat(a.metrics().count()).isEqualTo(91));
    assertThat(reduced.summary())
        .containsOnlyKeys("days", "bestAgent", "bestMae", "ensemble", "ensembleMae")
        .containsEntry("days", 91)
        .containsEntry("ensemble", "inverse-error")
        .containsEntry("bestAgent", result.best())
        .containsEntry("ensembleMae", result.ensembleMetrics().mae());
    assertThat(kinds.writeString(reduced.summary()).length()).isLessThan(300);
  }

  @Test
  void aDayDependsOnlyOnParamsAndItsIndex() {
    ForecastParams params = builtIns();
    DayForecast alone =
        kind.runChunk(params, new UnitRange(40, 41), ChunkContext.NONE).days().getFirst();
    DayForecast inRun =
        kind.runChunk(params, new UnitRange(0, 91), ChunkContext.NONE).days().get(40);
    assertThat(alone).isEqualTo(inRun);
    assertThat(alone.day()).isEqualTo(68);
    double[] values = new SyntheticSeries().values(params.series());
    assertThat(alone.last()).isEqualTo(values[68]);
    assertThat(alone.actual()).isEqualTo(values[69]);
    assertThat(alone.predictions().getFirst()).isEqualTo(values[68]); // naive
    assertThat(alone.predictions().get(1)).isEqualTo(values[69 - 7]); // seasonal-naive, period 7
  }

  @Test
  void theSyntheticSeriesIsPinnedToTheBit() {
    // Guards the generator: a change here changes every stored result.
    double[] values = SyntheticSeries.generate(10, 42, 100.0, 0.3, 7, 5.0, 1.5);
    double[] again = SyntheticSeries.generate(10, 42, 100.0, 0.3, 7, 5.0, 1.5);
    assertThat(again).isEqualTo(values);
    double[] noNoise = SyntheticSeries.generate(10, 42, 100.0, 0.3, 7, 5.0, 0.0);
    for (int t = 0; t < 10; t++) {
      assertThat(noNoise[t]).isEqualTo(100.0 + 0.3 * t + 5.0 * StrictMath.sin(2 * Math.PI * t / 7));
    }
    assertThat(SyntheticSeries.generate(10, 43, 100.0, 0.3, 7, 5.0, 1.5)).isNotEqualTo(values);
  }

  @Test
  void aRetryResumesFromTheCheckpointWithTheSameResult() {
    ForecastParams params = builtIns();
    UnitRange range = new UnitRange(10, 30);
    ForecastFixtures.RecordingContext first = new ForecastFixtures.RecordingContext();
    ForecastChunkResult whole = kind.runChunk(params, range, first);
    assertThat(first.checkpoints).hasSize(20);

    ForecastCheckpoint halfway = (ForecastCheckpoint) first.checkpoints.get(11);
    assertThat(halfway.days()).hasSize(12);
    // Through JSON, as the worker stores it.
    ForecastCheckpoint stored = kinds.read(kinds.write(halfway), ForecastCheckpoint.class);
    ForecastFixtures.RecordingContext retry = new ForecastFixtures.RecordingContext(stored);
    assertThat(kind.runChunk(params, range, retry)).isEqualTo(whole);
    assertThat(retry.checkpoints).hasSize(8); // only the days after the checkpoint ran

    // A checkpoint of another chunk is ignored.
    ForecastFixtures.RecordingContext other =
        new ForecastFixtures.RecordingContext(new ForecastCheckpoint(0, halfway.days()));
    assertThat(kind.runChunk(params, range, other)).isEqualTo(whole);
    assertThat(other.checkpoints).hasSize(20);
  }

  @Test
  void progressReportsEachDayAndAgentWithTheRunningError() {
    ForecastParams params = builtIns();
    ForecastFixtures.RecordingContext context = new ForecastFixtures.RecordingContext();
    kind.runChunk(params, new UnitRange(0, 4), context);
    assertThat(context.details).hasSize(4 * 5);
    Map<String, Object> first = context.details.getFirst();
    assertThat(first).containsEntry("day", 28).containsEntry("agent", "naive");
    assertThat(first).containsKeys("prediction", "error", "actual");
    assertThat(context.details.get(6))
        .containsEntry("day", 29)
        .containsEntry("agent", "seasonal-naive");
    assertThat(context.fractions).isSorted();
    assertThat(context.fractions.getLast()).isEqualTo(1.0);
    assertThat(context.fractions.getFirst()).isEqualTo(0.05);
  }

  @Test
  void aPartialResultHasTheDaysOfTheChunksThatRan() {
    ForecastParams params = builtIns();
    List<ForecastChunkResult> chunks = new ArrayList<>();
    long days = kind.unitCount(params);
    for (long from = 0; from < days; from += 10) {
      if (from == 30) {
        continue; // this chunk failed
      }
      chunks.add(
          kind.runChunk(params, new UnitRange(from, Math.min(days, from + 10)), ChunkContext.NONE));
    }
    ForecastResult partial = kind.reducePartial(params, chunks).orElseThrow();
    assertThat(partial.days()).isEqualTo(91);
    assertThat(partial.daysRan()).isEqualTo(81);
    assertThat(partial.rows()).extracting(ForecastResult.Row::day).doesNotContain(58L, 67L);
    assertThat(partial.agents()).allSatisfy(a -> assertThat(a.metrics().count()).isEqualTo(81));
    assertThat(kind.summary(partial)).containsEntry("daysRan", 81);

    // reduce insists on every day.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kind.reduce(params, chunks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("81 of the 91");
  }
}
