package dev.simrun.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind's warm-up parameters are valid and run, so a worker's start really warms it. The kinds
 * are found as the services find them: every {@link SimulationKind} bean on the classpath, with
 * {@link PlatformStandIns} in place of the platform's ports.
 */
class WarmUpParamsTest {
  final ApplicationContext context = ApplicationContext.run();
  final SimulationKinds kinds = context.getBean(SimulationKinds.class);

  @AfterEach
  void stop() {
    context.close();
  }

  @Test
  void everyKindsWarmUpParamsAreValidAndRunTheirFirstUnits() throws IOException {
    assertThat(kinds.names()).contains("strategy-backtest", "forecast-backtest", "climate-risk");
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
