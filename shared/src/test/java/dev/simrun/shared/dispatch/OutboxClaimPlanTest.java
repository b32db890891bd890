package dev.simrun.shared.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.shared.testing.TestDatabase;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A claim takes at most its limit, whatever plan PostgreSQL caches for it. The plan that hurts is
 * the one an idle pump leaves behind: planned while the outbox was empty, it joins the claimed ids
 * back to the table with a nested loop that re-runs the {@code LIMIT … SKIP LOCKED} subquery for
 * every row, so a burst of rows was claimed all at once, in time quadratic in the burst (33 s for
 * 20,000 rows in the pipeline benchmark). A small pool and {@code force_generic_plan} make that
 * plan certain here.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxClaimPlanTest implements TestPropertyProvider {
  @Inject OutboxStore outbox;
  @Inject SimulationStore simulations;
  @Inject DataSource dataSource;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>(TestDatabase.properties());
    properties.compute(
        "datasources.default.url",
        (k, url) -> url + "%20-c%20plan_cache_mode%3Dforce_generic_plan&prepareThreshold=1");
    properties.put("datasources.default.maximum-pool-size", "2");
    return properties;
  }

  @Test
  void aClaimPlannedOnAnEmptyOutboxStillTakesOnlyItsLimit() throws Exception {
    try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
        Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE outbox");
    }
    for (int i = 0; i < 4; i++) { // on each pooled connection, whichever the pool hands out
      assertThat(outbox.claimDue(100, Duration.ofMinutes(1), 0)).isEmpty();
    }

    NewSimulation burst =
        new NewSimulation(
            UUID.randomUUID(),
            "ann",
            "test-kind",
            null,
            Priority.INTERACTIVE,
            "{}",
            2_000,
            1,
            null,
            0);
    simulations.create(burst);

    List<OutboxRow> first = outbox.claimDue(100, Duration.ofMinutes(1), 0);
    assertThat(first).hasSize(100);
    assertThat(first.getFirst().chunkIndex()).isZero();
    assertThat(first.getLast().chunkIndex()).isEqualTo(99);
    List<OutboxRow> next = outbox.claimDue(100, Duration.ofMinutes(1), first.getLast().id());
    assertThat(next).hasSize(100);
    assertThat(next.getFirst().chunkIndex()).isEqualTo(100);
  }
}
