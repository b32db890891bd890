package dev.simrun.shared.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.kinds.backtest.StrategyBacktestKind;
import dev.simrun.shared.kinds.forecast.ForecastBacktestKind;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind's warm-up parameters are valid and run, so a worker's start really warms it. */
class WarmUpParamsTest {
  static final ObjectMapper JSON = ObjectMapper.getDefault();
  final SimulationKinds kinds =
      new SimulationKinds(
          List.of(new StrategyBacktestKind(), new ForecastBacktestKind(Clock.systemUTC(), JSON)),
          JSON);

  @Test
  void everyKindsWarmUpParamsAreValidAndRunTheirFirstUnits() throws IOException {
    for (String name : kinds.names()) {
      SimulationKind<?, ?, ?> kind = kinds.get(name);
      assertThat(kind.warmUpParams()).as(name).isNotEmpty();
      for (String json : kind.warmUpParams()) {
        check(kind, json);
      }
    }
  }

  private <P> void check(SimulationKind<P, ?, ?> kind, String json) throws IOException {
    P params = kinds.readParams(kind, json);
    assertThat(kind.validate(params)).as(kind.name() + ": " + json).isEmpty();
    long units = Math.min(4, kind.unitCount(params));
    assertThat(kind.runChunk(params, new UnitRange(0, units), ChunkContext.NONE)).isNotNull();
  }
}
