package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With tracing switched off ({@code SIMRUN_TRACING_ENABLED=false}) OpenTelemetry is not there at
 * all, and simulations run as before: SimRun's spans are no-ops and no trace context is stored.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingOffTest implements TestPropertyProvider {
  WorkerHarness tasks;

  @Inject ApplicationContext context;
  @Inject Simulations simulations;
  @Inject OutboxDispatcher dispatcher;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("micronaut.otel.enabled", "false");
    return p;
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void simulationsRunWithoutOpenTelemetry() {
    assertThat(context.findBean(OpenTelemetry.class)).isEmpty();
    UUID id = simulations.create(SumKind.Params.of(30, 10));
    assertThat(dispatcher.drain()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(id), "SUCCEEDED"::equals);
  }
}
