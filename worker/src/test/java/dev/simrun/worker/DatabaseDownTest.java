package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped under a running worker: a push is answered 503 database-unavailable (Cloud
 * Tasks retries it with backoff, and slows the queue), not 500; once the database is back the same
 * push runs the chunk.
 */
class DatabaseDownTest {

  static EmbeddedPostgres start(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void whileTheDatabaseIsDownAPushIsAnswered503() throws Exception {
    Path data = Files.createTempDirectory("simrun-worker-db-down-");
    EmbeddedPostgres pg = start(data, 0);
    int port = pg.getPort();
    try (WorkerHarness tasks = WorkerHarness.start()) {
      Map<String, Object> p = new HashMap<>(tasks.properties());
      p.put("datasources.default.url", pg.getJdbcUrl("postgres", "postgres"));
      p.put("datasources.default.connection-timeout", "1000");
      try (EmbeddedServer worker = ApplicationContext.run(EmbeddedServer.class, p)) {
        UUID id =
            worker
                .getApplicationContext()
                .getBean(Simulations.class)
                .create(SumKind.Params.of(10, 10));
        String token = tasks.token();
        String task = Simulations.chunkTask(id, 0, 0);

        pg.close();
        HttpResponse<String> down = tasks.post("/tasks/v1/chunks", task, token);
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(down.body()).contains("https://simrun.dev/problems/database-unavailable");

        pg = start(data, port);
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> tasks.post("/tasks/v1/chunks", task, token).statusCode() == 200);
        assertThat(tasks.post("/tasks/v1/chunks", task, token).body())
            .contains("chunk already SUCCEEDED");
      }
    } finally {
      pg.close();
    }
  }
}
