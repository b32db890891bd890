package dev.simrun.shared.kinds.forecast;

import static dev.simrun.shared.kinds.forecast.ForecastFixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.kinds.ChunkCancelledException;
import dev.simrun.shared.kinds.ChunkContext;
import dev.simrun.shared.kinds.UnitRange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agents of one day run at once; slow agents stop when the chunk is cancelled. */
class ForecastParallelAgentsTest {

  private static ForecastParams slow(int latencyMs) {
    return ForecastFixtures.params(
        ForecastFixtures.synthetic(40, 3),
        28,
        37,
        28,
        List.of(
            agent("naive").latencyMs(latencyMs).build(),
            agent("seasonal-naive").period(7).latencyMs(latencyMs).build(),
            agent("moving-average").window(7).latencyMs(latencyMs).build(),
            agent("holt").alpha(0.3).beta(0.1).latencyMs(latencyMs).build(),
            agent("ar").order(2).latencyMs(latencyMs).build()),
        null);
  }

  @Test
  void aDayTakesAsLongAsItsSlowestAgentNotTheSum() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    ForecastParams params = slow(300);
    long started = System.nanoTime();
    ForecastChunkResult chunk = kind.runChunk(params, new UnitRange(0, 2), ChunkContext.NONE);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(chunk.days()).hasSize(2);
    // Two days of 5 agents × 300 ms: about 600 ms in parallel, 3,000 ms one after another.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    assertThat(took).isLessThan(Duration.ofMillis(1_500));
    // Latency changes nothing but time.
    assertThat(chunk).isEqualTo(kind.runChunk(slow(0), new UnitRange(0, 2), ChunkContext.NONE));
  }

  @Test
  void cancellingStopsTheWaitingAgentsSoon() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    ForecastFixtures.RecordingContext context = new ForecastFixtures.RecordingContext();
    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(context::cancel);
    long started = System.nanoTime();
    assertThatThrownBy(() -> kind.runChunk(slow(10_000), new UnitRange(0, 10), context))
        .isInstanceOf(ChunkCancelledException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(context.details).isEmpty();
  }

  @Test
  void aDayWaitsForItsSlowestAgent() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    assertThat(kind.unitCost(slow(2_500)).waitNanos()).isEqualTo(2_500_000_000L);
    assertThat(kind.unitCost(ForecastFixtures.builtIns()).waitNanos()).isZero();
    assertThat(kind.unitCost(ForecastFixtures.builtIns()).cpuNanos()).isPositive();
  }
}
