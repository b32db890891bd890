package dev.simrun.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tasks.v2.CloudTasksClient;
import dev.simrun.e2e.SimRunStack;
import dev.simrun.emulator.scheduler.FaultPlan;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Nightly batches on the whole local stack: the Cloud Scheduler emulator fires jobs at the api as
 * Cloud Scheduler does (its OIDC token, its headers, its duplicate deliveries), the api starts runs
 * of simulations that the worker runs, and an operator follows them in the console. The worker
 * gives each chunk one attempt and a 5-second soft limit, so a simulation slowed past it
 * dead-letters at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyBatchesTest {
  static final String OPERATOR = "night-ops";
  static final String PROJECT_LOCATION =
      "projects/" + SimRunStack.PROJECT + "/locations/" + SimRunStack.LOCATION;
  static final List<String> CHUNK_QUEUES =
      List.of(
          "simulations-interactive",
          "simulations-batch",
          "simulations-interactive-io",
          "simulations-batch-io");

  static final String SMALL =
      """
      {"kind": "strategy-backtest", "name": "small sweep",
       "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 2000, "seed": 3}},
                  "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30]}}}
      """;

  /** A day-by-day forecast whose model answers in 1 s: its 10-day chunk outlives the limit. */
  static final String POISONED =
      """
      {"kind": "forecast-backtest", "name": "slow model",
       "params": {"series": {"synthetic": {"days": 60, "seed": 7}},
                  "start": 30, "end": 39, "history": 20,
                  "agents": [{"type": "naive", "latencyMs": 1000}]},
       "chunking": {"unitsPerChunk": 10}}
      """;

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static SimRunStack stack;
  static Browser browser;

  /** The climate simulation of the nightly run: its page is looked at last. */
  static String climateSimulation;

  @BeforeAll
  static void start() {
    stack =
        SimRunStack.builder()
            .workerEnv("SIMRUN_TASKS_MAX_ATTEMPTS", "1")
            .workerEnv("SIMRUN_WORKER_SOFT_TIME_LIMIT", "5s")
            .start();
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  // ------------------------------------------------------------------------------ helpers

  static void define(String name, String body) {
    HttpResponse<String> r =
        stack.send("PUT", "/api/v1/batches/" + name, stack.operatorBearer(OPERATOR), body);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  static String jobName(String batch) {
    return PROJECT_LOCATION + "/jobs/simrun-batch-" + batch;
  }

  /** A Scheduler job for the batch, as Terraform's scheduler.tf makes it. */
  static void job(String batch) {
    String api = stack.api().url();
    String body =
        """
        {"name": "%s", "schedule": "0 2 * * *", "timeZone": "Etc/UTC", "attemptDeadline": "180s",
         "retryConfig": {"retryCount": 3, "minBackoffDuration": "1s", "maxBackoffDuration": "10s",
                         "maxDoublings": 3},
         "httpTarget": {"uri": "%s/internal/v1/batches/%s/runs", "httpMethod": "POST",
                        "headers": {"Content-Type": "application/json"}, "body": "%s",
                        "oidcToken": {"serviceAccountEmail": "%s", "audience": "%s"}}}
        """
            .formatted(
                jobName(batch),
                api,
                batch,
                Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)),
                SimRunStack.SCHEDULER_ACCOUNT,
                api);
    HttpResponse<String> r = scheduler("POST", "/v1/" + PROJECT_LOCATION + "/jobs", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Cloud Scheduler's "Force run": the job fires now, with now as its schedule time. */
  static void runJob(String batch) {
    HttpResponse<String> r = scheduler("POST", "/v1/" + jobName(batch) + ":run", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static HttpResponse<String> scheduler(String method, String path, String body) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(stack.scheduler().baseUrl() + path))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode get(String path) {
    HttpResponse<String> r = stack.send("GET", path, stack.operatorBearer(OPERATOR), null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return SimRunStack.read(r.body());
  }

  static List<JsonNode> runs(String batch) {
    List<JsonNode> runs = new ArrayList<>();
    get("/api/v1/batches/" + batch + "/runs?limit=100").path("items").forEach(runs::add);
    return runs;
  }

  static JsonNode run(String batch, String id) {
    return get("/api/v1/batches/" + batch + "/runs/" + id);
  }

  static long attemptsOf(String batch) {
    var job = stack.scheduler().stats().jobs().get(jobName(batch));
    return job == null ? 0 : job.attempts() + job.duplicatesInjected();
  }

  /**
   * Clicks what {@code css} finds; the page re-reads its runs every few seconds, replacing rows.
   */
  static void click(String css) {
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(
            () -> {
              browser.find(css).click();
              return true;
            });
  }

  static void pauseChunks(CloudTasksClient tasks) {
    CHUNK_QUEUES.forEach(q -> tasks.pauseQueue(PROJECT_LOCATION + "/queues/" + q));
  }

  static void resumeChunks(CloudTasksClient tasks) {
    CHUNK_QUEUES.forEach(q -> tasks.resumeQueue(PROJECT_LOCATION + "/queues/" + q));
  }

  // ------------------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void aTriggerWithoutAValidSchedulerTokenIsRefusedAndStartsNothing() {
    define("guarded", "{\"simulations\": [" + SMALL + "]}");
    String path = "/internal/v1/batches/guarded/runs";
    HttpResponse<String> none = stack.send("POST", path, null, "{}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    // A person's token, an operator's even, is not Cloud Scheduler's.
    assertThat(stack.send("POST", path, stack.operatorBearer(OPERATOR), "{}").statusCode())
        .isEqualTo(401);
    assertThat(stack.queryLong("SELECT count(*) FROM batch_runs WHERE batch_name = 'guarded'"))
        .isZero();
  }

  @Test
  @Order(2)
  void theSameScheduleTimeDeliveredThreeTimesTwoAtOnceStartsOneRun() {
    define("twice", "{\"simulations\": [" + SMALL + "], \"overlap\": \"allow\"}");
    job("twice");
    // Every attempt is delivered twice at once, and once more after those finish.
    stack.scheduler().faults(jobName("twice"), new FaultPlan(1.0, 1.0));
    runJob("twice");
    await().atMost(Duration.ofSeconds(60)).until(() -> attemptsOf("twice") >= 3);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> stack.scheduler().stats().jobs().get(jobName("twice")).inFlight() == 0);
    stack.scheduler().clearFaults(jobName("twice"));

    List<JsonNode> runs = runs("twice");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("trigger").asText()).isEqualTo("scheduler");
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM simulations s JOIN batch_runs r ON r.id = s.batch_run_id"
                    + " WHERE r.batch_name = 'twice'"))
        .isEqualTo(1);
    String id = runs.get(0).path("id").asText();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> run("twice", id).path("status").asText(), "SUCCEEDED"::equals);
  }

  /**
   * The 320-unit climate site example (1 site, 4 scenarios, 80 years), with 2,000 paths a unit
   * instead of its 4,000,000 so that the suite stays quick.
   */
  static String climateSite() {
    try {
      ObjectNode example =
          (ObjectNode)
              SimRunStack.JSON.readTree(
                  Files.readString(Path.of("..", "examples", "climate-risk-site.json")));
      ((ObjectNode) example.path("params")).put("paths", 2000);
      return SimRunStack.JSON.writeValueAsString(example);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Order(3)
  void aPoisonedSimulationDeadLettersTheOthersFinishAndAReplayCompletesTheRun() {
    define(
        "nightly", "{\"simulations\": [" + climateSite() + ", " + POISONED + ", " + SMALL + "]}");
    job("nightly");
    runJob("nightly");
    await().atMost(Duration.ofSeconds(60)).until(() -> runs("nightly").size() == 1);
    String id = runs("nightly").get(0).path("id").asText();

    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> run("nightly", id).path("status").asText(), "FAILED"::equals);
    JsonNode failed = run("nightly", id);
    assertThat(failed.path("reason").asText()).contains("1 of 3").contains("#1 FAILED");
    JsonNode sims = failed.path("simulations");
    assertThat(sims.get(0).path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(sims.get(1).path("status").asText()).isEqualTo("FAILED");
    assertThat(sims.get(2).path("status").asText()).isEqualTo("SUCCEEDED");
    String poisoned = sims.get(1).path("id").asText();
    JsonNode letters = get("/api/v1/admin/dead-letters?simulationId=" + poisoned).path("items");
    assertThat(letters.size()).isEqualTo(1);

    // The cause goes: the worker gets its usual time limit and attempts back. Then the replay.
    stack.killWorker();
    Map<String, String> usual = new HashMap<>();
    usual.put("SIMRUN_WORKER_SOFT_TIME_LIMIT", null);
    usual.put("SIMRUN_TASKS_MAX_ATTEMPTS", null);
    stack.restartWorker(usual);
    HttpResponse<String> replay =
        stack.send(
            "POST",
            "/api/v1/admin/dead-letters/" + letters.get(0).path("id").asText() + "/replay",
            stack.operatorBearer(OPERATOR),
            null);
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> run("nightly", id).path("status").asText(), "SUCCEEDED"::equals);
    List<String> path = new ArrayList<>();
    run("nightly", id).path("transitions").forEach(t -> path.add(t.path("status").asText()));
    assertThat(path).containsExactly("RUNNING", "FAILED", "RUNNING", "SUCCEEDED");
    climateSimulation = sims.get(0).path("id").asText();
    JsonNode climate = get("/api/v1/simulations/" + climateSimulation);
    assertThat(climate.path("kind").asText()).isEqualTo("climate-risk");
    assertThat(climate.path("name").asText()).contains("320 units");
    assertThat(
            stack.queryLong(
                "SELECT units FROM simulations WHERE id = ?::uuid",
                sims.get(0).path("id").asText()))
        .isEqualTo(320);
  }

  @Test
  @Order(4)
  void aRunPastItsDeadlineTimesOutTheNextStartsAndOverlapSkipIsVisible() {
    define("busy", "{\"simulations\": [" + SMALL + "]}");
    define("hung", "{\"simulations\": [" + SMALL + "], \"deadline\": \"PT3S\"}");
    job("busy");
    job("hung");
    try (CloudTasksClient tasks = CloudTasksClients.emulator(stack.tasks().endpoint())) {
      pauseChunks(tasks);
      try {
        // Their chunks wait in paused queues: the runs hang.
        runJob("busy");
        runJob("hung");
        await().atMost(Duration.ofSeconds(60)).until(() -> runs("busy").size() == 1);
        // Another night while "busy" goes on (no deadline): skipped, and said so.
        runJob("busy");
        await().atMost(Duration.ofSeconds(60)).until(() -> runs("busy").size() == 2);
        JsonNode skipped = runs("busy").get(0);
        assertThat(skipped.path("status").asText()).isEqualTo("SKIPPED");
        assertThat(skipped.path("reason").asText()).contains("still going");
        assertThat(runs("busy").get(1).path("status").asText()).isEqualTo("RUNNING");

        // "hung" reaches its deadline: TIMED_OUT, its simulation cancelled.
        await().atMost(Duration.ofSeconds(60)).until(() -> runs("hung").size() == 1);
        String hung = runs("hung").get(0).path("id").asText();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> run("hung", hung).path("status").asText(), "TIMED_OUT"::equals);
        String sim = run("hung", hung).path("simulations").get(0).path("id").asText();
        assertThat(
                stack.queryLong(
                    "SELECT count(*) FROM simulations WHERE id = ?::uuid AND status ="
                        + " 'CANCELLED'",
                    sim))
            .isEqualTo(1);

        // The next night starts.
        runJob("hung");
        await().atMost(Duration.ofSeconds(60)).until(() -> runs("hung").size() == 2);
        assertThat(runs("hung").get(0).path("status").asText()).isIn("RUNNING", "TIMED_OUT");
        assertThat(runs("hung").get(0).path("reason").asText()).doesNotContain("still going");
      } finally {
        resumeChunks(tasks);
      }
    }

    // What an operator sees.
    browser.open(stack.api().url() + "/batches");
    browser.find("form#sign-in");
    browser.find("#user").sendKeys(OPERATOR);
    browser.find("#operator").click();
    browser.find("form#sign-in button[type=submit]").click();
    browser.awaitText("h1", "Batches"::equals);
    assertThat(browser.find("#nav a[href='/batches']").getText()).isEqualTo("Batches");
    String busy = "section.batch[data-batch='busy']";
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.all(busy + " tbody tr[data-run]").size() == 2);
    assertThat(browser.all(busy + " tbody tr[data-status='SKIPPED']")).hasSize(1);
    String hung = "section.batch[data-batch='hung']";
    click(hung + " tbody tr[data-status='TIMED_OUT'] button");
    browser.find(hung + " tr.run-detail li[data-status='CANCELLED'] a");
    browser.screenshot("batches");
    assertThat(Axe.criticalViolations(browser)).as("axe-core on the batches page").isEmpty();
    assertThat(browser.policyViolations()).isEmpty();

    // The batch's climate simulation is the operator's own: its page shows the portfolio.
    click("section.batch[data-batch='nightly'] tbody tr[data-status='SUCCEEDED'] button");
    click("a[href='/simulations/" + climateSimulation + "']");
    browser.awaitText("#status", "SUCCEEDED"::equals);
    // The result is fetched once the status says it is there.
    browser.find("#portfolio tbody tr");
    browser.screenshot("simulation-climate");
    assertThat(Axe.criticalViolations(browser)).as("axe-core on a climate result").isEmpty();
    assertThat(browser.policyViolations()).isEmpty();
  }
}
