package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.e2e.SimRunStack;
import dev.simrun.shared.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 10 s in the middle of a 500-chunk run, then started again on the same data
 * and port: meanwhile the api answers 503 {@code database-unavailable}, never 500; afterwards the
 * run completes with the fault-free result, each chunk counted once.
 */
@Tag("chaos")
class DatabaseOutageChaosTest {
  static final Duration DOWN = Duration.ofSeconds(10);

  static EmbeddedPostgres start(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void aRunOutlivesTenSecondsWithoutItsDatabase() throws Exception {
    byte[] expected = ChaosStacks.baseline();
    ChaosReport report =
        new ChaosReport(
            "3-database-outage",
            "PostgreSQL stopped for 10 s mid-run (1 run × 500 chunks)",
            "chunks_done at stop",
            "GETs while down",
            "answers while down",
            "PG start (ms)",
            "PG up → SUCCEEDED (ms)",
            "run total (ms)",
            "extra attempts",
            "identical");
    Path data = Files.createTempDirectory("simrun-chaos-pg-");
    EmbeddedPostgres pg = start(data, 0);
    int port = pg.getPort();
    String jdbc =
        pg.getJdbcUrl("postgres", "postgres")
            + "&options=-c%20TimeZone%3D"
            + TestDatabase.SESSION_TIME_ZONE;
    try (SimRunStack stack =
        ChaosStacks.chaosStack()
            .database(jdbc)
            // Every wait for a connection ends after 1 s: a request then answers 503.
            .env("DATASOURCES_DEFAULT_CONNECTION_TIMEOUT", "1000")
            .start()) {
      long submitted = System.nanoTime();
      String id = stack.submit(ChaosStacks.FIVE_HUNDRED_CHUNKS);
      String path = "/api/v1/simulations/" + id;
      long doneAtStop;
      while ((doneAtStop = ChaosChecks.chunksDone(stack, id)) < ChaosStacks.CHUNKS / 4) {
        Thread.sleep(5);
      }
      pg.close();
      long stopped = System.nanoTime();
      List<String> answers = new ArrayList<>();
      while (System.nanoTime() - stopped < DOWN.toNanos()) {
        HttpResponse<byte[]> r = stack.get(path, Duration.ofSeconds(10));
        answers.add(
            r.statusCode()
                + " "
                + r.headers().firstValue("Content-Type").orElse("-")
                + " "
                + (r.statusCode() == 200 ? "" : SimRunStack.read(r.body()).path("type").asText())
                + " retry-after="
                + r.headers().firstValue("Retry-After").orElse("-"));
        Thread.sleep(250);
      }
      TreeMap<String, Integer> counted = new TreeMap<>();
      answers.forEach(a -> counted.merge(a, 1, Integer::sum));
      report.note("answers to GET while down: " + counted);
      long restarting = System.nanoTime();
      pg = start(data, port);
      long pgStart = ChaosReport.millisSince(restarting);
      long up = System.nanoTime();
      byte[] result = stack.awaitResult(id, Duration.ofMinutes(2));
      long recovery = ChaosReport.millisSince(up);
      report.row(
          doneAtStop,
          answers.size(),
          counted,
          pgStart,
          recovery,
          ChaosReport.millisSince(submitted),
          ChaosChecks.extraAttempts(stack, id),
          Arrays.equals(result, expected) ? "yes" : "NO");

      assertThat(answers)
          .as("GET %s while PostgreSQL is down", path)
          .isNotEmpty()
          .allSatisfy(
              a ->
                  assertThat(a)
                      .startsWith("503 application/problem+json")
                      .contains("/database-unavailable retry-after=")
                      .doesNotEndWith("retry-after=-"));
      assertThat(result).isEqualTo(expected);
      ChaosChecks.succeededExactlyOnce(stack, id, ChaosStacks.CHUNKS);
    } finally {
      pg.close();
    }
  }
}
