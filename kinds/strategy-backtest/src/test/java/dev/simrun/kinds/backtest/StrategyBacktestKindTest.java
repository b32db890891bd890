package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.BacktestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.UnitRange;
import dev.simrun.kinds.backtest.BacktestFixtures.RecordingContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyBacktestKindTest {

  private static final BacktestParams PARAMS =
      params(List.of("AAA", "BBB"), 2_000, 9, List.of(5, 10), List.of(20, 50), 0, 0);

  @Test
  void describesItself() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    assertThat(kind.name()).isEqualTo("strategy-backtest");
    assertThat(kind.paramsType()).isEqualTo(BacktestParams.class);
    assertThat(kind.chunkResultType()).isEqualTo(BacktestChunkResult.class);
    assertThat(kind.resultType()).isEqualTo(BacktestResult.class);
  }

  @Test
  void aCancelledContextStopsTheChunk() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    RecordingContext cancelledAtOnce = new RecordingContext(0);
    assertThatThrownBy(() -> kind.runChunk(PARAMS, new UnitRange(0, 8), cancelledAtOnce))
        .isInstanceOf(ChunkCancelledException.class);
    assertThat(cancelledAtOnce.fractions).isEmpty();

    RecordingContext cancelledAfterThree = new RecordingContext(3);
    assertThatThrownBy(() -> kind.runChunk(PARAMS, new UnitRange(0, 8), cancelledAfterThree))
        .isInstanceOf(ChunkCancelledException.class);
    assertThat(cancelledAfterThree.fractions).hasSize(3);
    assertThat(cancelledAfterThree.checks).isEqualTo(4);
  }

  @Test
  void reportsProgressAfterEveryUnit() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    RecordingContext context = new RecordingContext(Integer.MAX_VALUE);
    kind.runChunk(PARAMS, new UnitRange(2, 6), context);
    assertThat(context.fractions).containsExactly(0.25, 0.5, 0.75, 1.0);
    assertThat(context.details).extracting(d -> d.get("unit")).containsExactly(2L, 3L, 4L, 5L);
    assertThat(context.details.get(0))
        .containsEntry("symbol", "AAA")
        .containsEntry("fast", 10)
        .containsEntry("slow", 20)
        .containsKey("sharpe");
    assertThat(context.details.get(2)).containsEntry("symbol", "BBB").containsEntry("fast", 5);
  }

  @Test
  void theChunksOfOneSimulationGenerateEachSeriesOnce() {
    SyntheticPrices prices = new SyntheticPrices();
    StrategyBacktestKind kind = new StrategyBacktestKind(prices);
    InMemoryRun.run(kind, PARAMS, 1);
    assertThat(prices.generatedCount()).isEqualTo(2);
    InMemoryRun.run(kind, PARAMS, 3);
    assertThat(prices.generatedCount()).isEqualTo(2);
  }

  @Test
  void reduceRejectsMissingOrRepeatedUnits() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    BacktestChunkResult first = kind.runChunk(PARAMS, new UnitRange(0, 4), ChunkContext.NONE);
    BacktestChunkResult second = kind.runChunk(PARAMS, new UnitRange(4, 8), ChunkContext.NONE);
    assertThat(kind.reduce(PARAMS, List.of(first, second)).units()).isEqualTo(8);
    assertThatThrownBy(() -> kind.reduce(PARAMS, List.of(first)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> kind.reduce(PARAMS, List.of(first, first, second)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesBeyondTheUnitsAreRejected() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    assertThatThrownBy(() -> kind.runChunk(PARAMS, new UnitRange(6, 9), ChunkContext.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inMemoryRunRejectsBadInput() {
    StrategyBacktestKind kind = new StrategyBacktestKind();
    assertThatThrownBy(() -> InMemoryRun.run(kind, PARAMS, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryRun.run(kind, new BacktestParams(null, null, null, null), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data");
  }

  @Test
  void theSmaBudgetDoesNotChangeResults() {
    // 600,000 bars × 8 windows would pass the 4 M-double budget: later windows use scratch arrays.
    BacktestParams big =
        params(
            List.of("BIG"),
            600_000,
            5,
            List.of(2, 3, 4, 5),
            List.of(6, 7, 8, 9, 10, 11, 12, 13),
            0.5,
            0.5);
    StrategyBacktestKind kind = new StrategyBacktestKind();
    List<BacktestUnitResult> together =
        kind.runChunk(big, new UnitRange(0, kind.unitCount(big)), ChunkContext.NONE).units();
    for (long u = 0; u < kind.unitCount(big); u++) {
      BacktestUnitResult alone =
          kind.runChunk(big, new UnitRange(u, u + 1), ChunkContext.NONE).units().get(0);
      assertThat(alone.withEquityCurve(null))
          .isEqualTo(together.get((int) u).withEquityCurve(null));
    }
  }
}
