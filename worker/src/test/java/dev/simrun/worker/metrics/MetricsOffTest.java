package dev.simrun.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.simulations.Priority;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.netty.NettyHttpServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code micronaut.metrics.enabled=false} ({@code SIMRUN_METRICS_ENABLED=false}): no registry, no
 * management port, and chunks run as before, their meters no-ops.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsOffTest implements TestPropertyProvider {
  WorkerHarness tasks;

  @Inject ApplicationContext context;
  @Inject EmbeddedServer server;
  @Inject Simulations simulations;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("micronaut.metrics.enabled", "false");
    return p;
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void withMetricsOffThereIsNoRegistryNoManagementPortAndChunksStillRun() {
    assertThat(context.containsBean(MeterRegistry.class)).isFalse();
    assertThat(((NettyHttpServer) server).getBoundPorts()).containsExactly(server.getPort());

    UUID id = simulations.create(SumKind.Params.of(2, 2), Priority.INTERACTIVE);
    HttpResponse<String> push =
        tasks.post(
            "/tasks/v1/chunks",
            Simulations.chunkTask(id, 0, 0),
            tasks.token(),
            Map.of(TaskDelivery.TASK_NAME, Simulations.chunkTaskName(id, 0)));
    assertThat(push.statusCode()).isEqualTo(200);
    assertThat(push.body()).contains("committed");
    assertThat(rows.chunk(id, 0).status()).isEqualTo("SUCCEEDED");
  }
}
