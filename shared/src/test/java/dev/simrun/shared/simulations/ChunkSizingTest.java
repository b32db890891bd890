package dev.simrun.shared.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.forecast.ForecastBacktestKind;
import dev.simrun.kinds.forecast.ForecastParams;
import dev.simrun.shared.config.PlanningConfig;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chunk-size rule on the cases it was made for (docs/decisions/0015). */
class ChunkSizingTest {
  static final long MS = 1_000_000L;
  final ChunkSizing sizing = new ChunkSizing(PlanningConfig.defaults()); // 2 CPU, 128 I/O slots

  static double overheadShare(long size, UnitCost cost) {
    double fixed = 5 * MS + cost.chunkSetupNanos();
    return fixed / (fixed + size * cost.unitNanos());
  }

  @Test
  void ioBoundWorkSpreadsOverTheIoSlots() {
    UnitCost day = new UnitCost(50_000, 2_500 * MS, 0); // the 83-day forecast, agents at 2.5 s
    assertThat(sizing.unitsPerChunk(83, day, ChunkLoad.IO)).isEqualTo(1);
    assertThat(sizing.unitsPerChunk(1_000, day, ChunkLoad.IO)).isEqualTo(8); // ceil(1000 / 128)
  }

  @Test
  void cpuBoundWorkMakesTwiceAsManyChunksAsSlotsWhenTheOverheadAllows() {
    UnitCost unit = UnitCost.cpu(500 * MS);
    assertThat(sizing.unitsPerChunk(80, unit, ChunkLoad.CPU)).isEqualTo(20); // 4 chunks
    assertThat(sizing.unitsPerChunk(3, unit, ChunkLoad.CPU)).isEqualTo(1);
  }

  @Test
  void smallUnitsAreGroupedUntilTheOverheadIsAtMostFivePercent() {
    // 100,000 bars at ~4 ns a unit-bar, plus preparing a series per chunk.
    UnitCost unit = new UnitCost(400_000, 0, 4 * MS);
    long size = sizing.unitsPerChunk(1_000, unit, ChunkLoad.CPU);
    assertThat(size).isEqualTo(428);
    assertThat(overheadShare(size, unit)).isLessThanOrEqualTo(0.05);
    assertThat(overheadShare(size - 1, unit)).isGreaterThan(0.05);
    // The demo's 80 such units are 36 ms of work in all: one chunk, as splitting would only add
    // overhead. And never more units than there are.
    assertThat(sizing.unitsPerChunk(80, unit, ChunkLoad.CPU)).isEqualTo(80);
    assertThat(sizing.unitsPerChunk(5, UnitCost.cpu(1), ChunkLoad.CPU)).isEqualTo(5);
  }

  @Test
  void aChunkRunsAtMostAboutAMinute() {
    UnitCost unit = UnitCost.cpu(2_000 * MS);
    assertThat(sizing.unitsPerChunk(1_000_000, unit, ChunkLoad.CPU)).isEqualTo(29);
    UnitCost tenMinutes = UnitCost.cpu(600_000 * MS);
    assertThat(sizing.unitsPerChunk(10, tenMinutes, ChunkLoad.CPU))
        .as("one unit at least")
        .isEqualTo(1);
  }

  @Test
  void moreSlotsMeanSmallerChunks() {
    ChunkSizing fleet =
        new ChunkSizing(
            new PlanningConfig(40, 2_000, Duration.ofMillis(5), 0.05, Duration.ofSeconds(60)));
    UnitCost unit = UnitCost.cpu(500 * MS);
    assertThat(fleet.unitsPerChunk(800, unit, ChunkLoad.CPU)).isEqualTo(10); // 80 chunks
  }

  /**
   * The 83-day forecast example gives no chunking hint: the planner spreads its days over the I/O
   * slots, one per chunk.
   */
  @Test
  void theForecastExampleRunsOneDayPerChunk() throws IOException {
    ObjectMapper json = ObjectMapper.getDefault();
    ForecastBacktestKind kind = new ForecastBacktestKind(Clock.systemUTC(), json);
    Map<?, ?> big =
        json.readValue(
            Files.readAllBytes(Path.of("..", "examples", "forecast-83-days-5-agents.json")),
            Map.class);
    ForecastParams params =
        json.readValue(json.writeValueAsBytes(big.get("params")), ForecastParams.class);
    assertThat(big.get("chunking")).isNull();
    assertThat(sizing.unitsPerChunk(83, kind.unitCost(params), kind.chunkLoad())).isEqualTo(1);
  }
}
