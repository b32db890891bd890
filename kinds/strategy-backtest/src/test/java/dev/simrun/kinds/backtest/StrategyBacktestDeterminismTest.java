package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.BacktestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.UnitRange;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyBacktestDeterminismTest {

  private static final BacktestParams PARAMS =
      params(
          List.of("AAA", "BBB", "CCC"),
          3_000,
          42,
          List.of(5, 10, 20),
          List.of(10, 50, 100),
          1.0,
          0.5);

  private final ObjectMapper json = ObjectMapper.getDefault();

  @Test
  void theResultIsBitIdenticalForAnyChunking() throws IOException {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    long units = kind.unitCount(PARAMS);
    // (5,10) (5,50) (5,100) (10,50) (10,100) (20,50) (20,100); (10,10) and (20,10) are skipped.
    assertThat(units).isEqualTo(3 * 7);
    BacktestResult one = InMemoryRun.run(kind, PARAMS, 1);
    BacktestResult seven = InMemoryRun.run(kind, PARAMS, 7);
    BacktestResult all = InMemoryRun.run(kind, PARAMS, (int) units);
    // A fresh kind (empty price cache) too.
    BacktestResult fresh = InMemoryRun.run(new StrategyBacktestKind(), PARAMS, 5);

    assertThat(one.units()).isEqualTo(units);
    assertThat(one.leaderboard()).hasSize((int) units);
    assertThat(seven).isEqualTo(one);
    assertThat(all).isEqualTo(one);
    assertThat(fresh).isEqualTo(one);

    byte[] bytes = json.writeValueAsBytes(one);
    assertThat(json.writeValueAsBytes(seven)).isEqualTo(bytes);
    assertThat(json.writeValueAsBytes(all)).isEqualTo(bytes);
    assertThat(json.writeValueAsBytes(fresh)).isEqualTo(bytes);

    // The leaderboard order: Sharpe descending, then unit index ascending.
    List<BacktestUnitResult> board = one.leaderboard();
    for (int i = 1; i < board.size(); i++) {
      BacktestUnitResult a = board.get(i - 1);
      BacktestUnitResult b = board.get(i);
      assertThat(
              a.sharpe() > b.sharpe()
                  || (a.sharpe().equals(b.sharpe()) && a.unitIndex() < b.unitIndex()))
          .as("%s before %s", a, b)
          .isTrue();
    }
    assertThat(board).extracting(BacktestUnitResult::sharpe).doesNotHaveDuplicates();
  }

  @Test
  void everyStrategyIsBitIdenticalForChunkSizesOneSevenAndAll() throws IOException {
    for (BacktestParams p : StrategyReferenceTest.grids()) {
      BacktestParams withCurves =
          new BacktestParams(
              p.data(), p.strategy(), p.grid(), p.costs(), p.direction(), p.barsPerYear(), 3);
      StrategyBacktestKind kind = new StrategyBacktestKind();
      int units = (int) kind.unitCount(withCurves);
      byte[] one = json.writeValueAsBytes(InMemoryRun.run(kind, withCurves, 1));
      BacktestResult seven = InMemoryRun.run(kind, withCurves, 7);
      assertThat(json.writeValueAsBytes(seven)).as(p.strategy()).isEqualTo(one);
      assertThat(json.writeValueAsBytes(InMemoryRun.run(kind, withCurves, units)))
          .as(p.strategy())
          .isEqualTo(one);
      List<BacktestUnitResult> board = seven.leaderboard();
      for (int i = 0; i < board.size(); i++) {
        assertThat(board.get(i).equityCurve() != null).isEqualTo(i < 3);
      }
      BacktestUnitResult top = board.getFirst();
      assertThat(top.equityCurve().bar()).hasSizeLessThanOrEqualTo(EquityCurve.MAX_POINTS);
      assertThat(top.equityCurve().equity().getLast()).isEqualTo(1 + top.totalReturn());
    }
  }

  @Test
  void chunkResultsSurviveJsonLikeThePipelineStoresThem() throws IOException {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    long units = kind.unitCount(PARAMS);
    List<BacktestChunkResult> roundTripped = new ArrayList<>();
    for (long from = 0; from < units; from += 4) {
      BacktestChunkResult chunk =
          kind.runChunk(PARAMS, new UnitRange(from, Math.min(units, from + 4)), ChunkContext.NONE);
      BacktestChunkResult back =
          json.readValue(json.writeValueAsBytes(chunk), BacktestChunkResult.class);
      assertThat(back).isEqualTo(chunk);
      roundTripped.add(back);
    }
    BacktestResult reduced = kind.reduce(PARAMS, roundTripped);
    assertThat(json.writeValueAsBytes(reduced))
        .isEqualTo(json.writeValueAsBytes(InMemoryRun.run(kind, PARAMS, 1)));

    BacktestResult parsed = json.readValue(json.writeValueAsBytes(reduced), BacktestResult.class);
    assertThat(parsed).isEqualTo(reduced);
    String text = json.writeValueAsString(reduced);
    assertThat(text).startsWith("{\"units\":21,\"leaderboard\":[{\"unitIndex\":");

    BacktestParams paramsBack =
        json.readValue(json.writeValueAsBytes(PARAMS), BacktestParams.class);
    assertThat(paramsBack).isEqualTo(PARAMS);
  }

  @Test
  void aUnitDependsOnlyOnParamsAndItsIndex() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    BacktestUnitResult alone =
        kind.runChunk(PARAMS, new UnitRange(13, 14), ChunkContext.NONE).units().get(0);
    BacktestUnitResult inRun =
        kind.runChunk(PARAMS, new UnitRange(0, 21), ChunkContext.NONE).units().get(13);
    // Equity curves go to each chunk's top units, so compare the units without them.
    assertThat(alone.withEquityCurve(null)).isEqualTo(inRun.withEquityCurve(null));
    assertThat(alone.unitIndex()).isEqualTo(13);
    assertThat(alone.symbol()).isEqualTo("BBB");
  }
}
