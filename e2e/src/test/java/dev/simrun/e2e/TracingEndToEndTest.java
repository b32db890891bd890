package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simrun.shared.testing.PubSubEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing and logs across the processes (decision 0036), with JSON logs and spans exported to the
 * log, as SIMRUN_LOG_FORMAT=json and SIMRUN_TRACING_EXPORTER=logging select them: a submit's
 * traceparent reaches the worker through the Cloud Tasks emulator, the worker's log lines and the
 * Pub/Sub events' attributes carry its trace, and one trace holds the api's submit span, the
 * worker's chunk spans and the finalize; a Cloud Scheduler trigger's traceparent reaches the tasks
 * of the simulations its run starts.
 */
class TracingEndToEndTest {
  static final String OPERATOR = "trace-ops";
  static final String EVENTS_TOPIC = "simulation-events";
  static final String SMALL =
      """
      {"kind": "strategy-backtest", "name": "traced",
       "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 2000, "seed": 3}},
                  "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30]}},
       "chunking": {"unitsPerChunk": 1}}
      """;

  /** A span the logging exporter wrote: {@code 'name' : traceId spanId KIND}. */
  static final Pattern SPAN = Pattern.compile("'([^']+)' : ([0-9a-f]{32}) ([0-9a-f]{16}) ([A-Z]+)");

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static SimRunStack stack;
  static String subscription;

  @BeforeAll
  static void start() {
    stack =
        SimRunStack.builder()
            .env("SIMRUN_LOG_FORMAT", "json")
            .env("SIMRUN_TRACING_EXPORTER", "logging")
            // Each service's own logback.xml, as in production: on the test classpath the shared
            // test jar's logback-test.xml would be found first.
            .env("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=logback.xml")
            .start();
    subscription = "trace-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    PubSubEmulator.shared().subscribe(SimRunStack.PROJECT, EVENTS_TOPIC, subscription);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static String newTraceId() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String traceparent(String traceId) {
    return "00-" + traceId + "-b7ad6b7169203331-01";
  }

  @Test
  void aSubmitsTraceReachesTheWorkerItsLogsItsEventsAndOneTrace() throws Exception {
    String traceId = newTraceId();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.api().url() + "/api/v1/simulations"))
                .header("Content-Type", "application/json")
                .header("Authorization", stack.bearer(SimRunStack.USER))
                .header("traceparent", traceparent(traceId))
                .header("tracestate", "simrun=e2e")
                .POST(HttpRequest.BodyPublishers.ofString(SMALL))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = SimRunStack.read(r.body()).path("id").asText();
    assertThat(stack.awaitEnd(id, Duration.ofMinutes(2))).isEqualTo("SUCCEEDED");
    String trace = "projects/" + SimRunStack.PROJECT + "/traces/" + traceId;

    // The api's line about the submit, and the worker's about each chunk, name trace and work.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(jsonLines(stack.api().log()))
                  .anyMatch(
                      l ->
                          trace.equals(l.path("logging.googleapis.com/trace").asText())
                              && id.equals(l.path("simulationId").asText())
                              && !l.path("owner").asText().isEmpty()
                              && l.path("message").asText().contains("accepted"));
              assertThat(jsonLines(stack.worker().log()))
                  .filteredOn(l -> id.equals(l.path("simulationId").asText()))
                  .filteredOn(l -> l.path("message").asText().contains("committed"))
                  .isNotEmpty()
                  .allMatch(l -> trace.equals(l.path("logging.googleapis.com/trace").asText()))
                  .allMatch(l -> l.path("logging.googleapis.com/spanId").asText().length() == 16)
                  .allMatch(l -> l.path("logging.googleapis.com/trace_sampled").asBoolean())
                  .allMatch(l -> l.path("chunk").isTextual() && l.path("attempt").isTextual())
                  .allMatch(l -> "INFO".equals(l.path("severity").asText()));
            });

    assertThat(Files.readString(stack.worker().log(), StandardCharsets.UTF_8))
        .as("logback's start-up status stays quiet when all is well")
        .doesNotContain("|-INFO in ch.qos.logback")
        .doesNotContain("|-WARN in ch.qos.logback");

    // The events the worker published carry the trace in their attributes.
    List<JsonNode> attributes = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              pulledAttributes().stream()
                  .filter(a -> id.equals(a.path("simulationId").asText()))
                  .forEach(attributes::add);
              assertThat(attributes)
                  .extracting(a -> a.path("type").asText())
                  .contains("simulation.queued", "chunk.succeeded", "simulation.succeeded");
            });
    assertThat(attributes)
        .allMatch(a -> a.path("traceparent").asText().startsWith("00-" + traceId + "-"));

    // One trace: the api's server span for the submit, and under it the worker's pushes with
    // their runs, and the finalize.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<String[]> apiSpans = spans(stack.api().log(), traceId);
              List<String[]> workerSpans = spans(stack.worker().log(), traceId);
              assertThat(apiSpans)
                  .anyMatch(s -> s[0].equals("POST /api/v1/simulations") && s[3].equals("SERVER"));
              assertThat(workerSpans)
                  .extracting(s -> s[0])
                  .contains(
                      "POST /tasks/v1/chunks",
                      "chunk.run",
                      "POST /tasks/v1/finalize",
                      "simulation.finalize");
            });
  }

  @Test
  void aSchedulerTriggersTraceReachesItsSimulationsTasks() throws Exception {
    String traceId = newTraceId();
    String batch = "traced-" + UUID.randomUUID().toString().substring(0, 6);
    HttpResponse<String> defined =
        stack.send(
            "PUT",
            "/api/v1/batches/" + batch,
            stack.operatorBearer(OPERATOR),
            "{\"simulations\": [" + SMALL + ", " + SMALL + "]}");
    assertThat(defined.statusCode()).as(defined.body()).isIn(200, 201);
    String projectLocation =
        "projects/" + SimRunStack.PROJECT + "/locations/" + SimRunStack.LOCATION;
    String job = projectLocation + "/jobs/simrun-batch-" + batch;
    String api = stack.api().url();
    scheduler(
        "/v1/" + projectLocation + "/jobs",
        """
        {"name": "%s", "schedule": "0 2 * * *", "timeZone": "Etc/UTC", "attemptDeadline": "180s",
         "httpTarget": {"uri": "%s/internal/v1/batches/%s/runs", "httpMethod": "POST",
                        "headers": {"Content-Type": "application/json", "traceparent": "%s"},
                        "body": "%s",
                        "oidcToken": {"serviceAccountEmail": "%s", "audience": "%s"}}}
        """
            .formatted(
                job,
                api,
                batch,
                traceparent(traceId),
                Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)),
                SimRunStack.SCHEDULER_ACCOUNT,
                api));
    scheduler("/v1/" + job + ":run", "{}");

    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                stack.queryLong(
                    "SELECT count(*) FROM simulations s JOIN batch_runs r ON r.id = s.batch_run_id"
                        + " WHERE r.batch_name = ? AND s.status = 'SUCCEEDED'",
                    batch),
            n -> n == 2);
    List<String> simulations =
        stack
            .queryRows(
                "SELECT s.id::text AS id, s.traceparent FROM simulations s"
                    + " JOIN batch_runs r ON r.id = s.batch_run_id WHERE r.batch_name = ?",
                batch)
            .stream()
            .peek(
                row ->
                    assertThat((String) row.get("traceparent"))
                        .as("stored with the trigger's trace")
                        .startsWith("00-" + traceId + "-"))
            .map(row -> (String) row.get("id"))
            .toList();
    String trace = "projects/" + SimRunStack.PROJECT + "/traces/" + traceId;
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<JsonNode> lines = jsonLines(stack.worker().log());
              for (String simulation : simulations) {
                assertThat(lines)
                    .as("the worker's lines about %s", simulation)
                    .filteredOn(l -> simulation.equals(l.path("simulationId").asText()))
                    .filteredOn(l -> l.path("message").asText().contains("committed"))
                    .isNotEmpty()
                    .allMatch(l -> trace.equals(l.path("logging.googleapis.com/trace").asText()));
              }
              assertThat(spans(stack.api().log(), traceId))
                  .anyMatch(s -> s[0].startsWith("POST /internal/v1/batches/"));
            });
  }

  /** Every line of a service's log that is a JSON object; each must parse. */
  static List<JsonNode> jsonLines(Path log) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith("{")) {
        lines.add(SimRunStack.read(line));
      }
    }
    return lines;
  }

  /** The spans of {@code traceId} the logging exporter wrote: name, trace, span, kind. */
  static List<String[]> spans(Path log, String traceId) throws IOException {
    List<String[]> spans = new ArrayList<>();
    Matcher m = SPAN.matcher(Files.readString(log, StandardCharsets.UTF_8));
    while (m.find()) {
      if (m.group(2).equals(traceId)) {
        spans.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
      }
    }
    return spans;
  }

  /** The attributes of the events the test's subscription received since the last pull. */
  static List<JsonNode> pulledAttributes() {
    JsonNode pulled =
        SimRunStack.read(PubSubEmulator.shared().pull(SimRunStack.PROJECT, subscription));
    List<JsonNode> attributes = new ArrayList<>();
    pulled
        .path("receivedMessages")
        .forEach(m -> attributes.add(m.path("message").path("attributes")));
    return attributes;
  }

  static void scheduler(String path, String body) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(stack.scheduler().baseUrl() + path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
