package dev.simrun.api.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped under a running api, then started again on the same data: meanwhile every
 * request that needs the database gets 503 problem+json with Retry-After, not 500; afterwards the
 * api serves again without a restart.
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
  void whileTheDatabaseIsDownTheApiAnswers503AndRecoversAfter() throws Exception {
    Path data = Files.createTempDirectory("simrun-db-down-");
    EmbeddedPostgres pg = start(data, 0);
    int port = pg.getPort();
    Map<String, Object> p = new HashMap<>(TestStack.properties());
    p.put("datasources.default.url", pg.getJdbcUrl("postgres", "postgres"));
    p.put("datasources.default.connection-timeout", "1000");
    try (EmbeddedServer api = ApplicationContext.run(EmbeddedServer.class, p)) {
      Api client =
          new Api(
              api.getApplicationContext().createBean(HttpClient.class, api.getURL()),
              api.getApplicationContext().getBean(JsonMapper.class));
      Api.Reply before = client.submit("ann", Api.units(3, 1));
      assertThat(before.status()).isEqualTo(202);
      String location = "/api/v1/simulations/" + before.id();

      pg.close();
      for (Api.Reply down :
          new Api.Reply[] {
            client.get("ann", location), client.submit("ann", Api.units(3, 1)),
          }) {
        assertThat(down.status()).as(down.toString()).isEqualTo(503);
        assertThat(down.contentType()).startsWith(Api.PROBLEM_JSON);
        assertThat(down.text("type")).endsWith("/database-unavailable");
        assertThat(down.headers().get(HttpHeaders.RETRY_AFTER)).isNotBlank();
      }

      pg = start(data, port);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> client.get("ann", location).status() == 200);
      assertThat(client.get("ann", location).text("status")).isEqualTo("QUEUED");
      assertThat(client.submit("ann", Api.units(3, 1)).status()).isEqualTo(202);
    } finally {
      pg.close();
    }
  }
}
