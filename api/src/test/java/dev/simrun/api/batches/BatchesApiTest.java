package dev.simrun.api.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Batches over real HTTP against PostgreSQL: operators define them, Cloud Scheduler's triggers
 * (real signed tokens) start one run per schedule time, and the run policies act. The queues are
 * paused, so a run's simulations stay queued for as long as a test needs them going.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchesApiTest implements TestPropertyProvider {
  static final String OPERATOR = "olga";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.batches.supervise-interval", "100ms");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  @BeforeEach
  void clean() {
    rows.update("DELETE FROM simulations WHERE batch_run_id IS NOT NULL");
    rows.update("DELETE FROM batch_runs");
    rows.update("DELETE FROM batches");
  }

  static String batch(String extra, String... templates) {
    return "{\"simulations\": [" + String.join(",", templates) + "]" + extra + "}";
  }

  Api.Reply put(String user, boolean operator, String name, String body) {
    MutableHttpRequest<String> r =
        HttpRequest.PUT("/api/v1/batches/" + name, body).contentType(MediaType.APPLICATION_JSON);
    return api.exchange(r.header(Api.AUTH, operator ? Api.operatorBearer(user) : Api.bearer(user)));
  }

  Api.Reply asOperator(String uri) {
    MutableHttpRequest<Object> r = HttpRequest.GET(uri);
    return api.exchange(r.header(Api.AUTH, Api.operatorBearer(OPERATOR)));
  }

  Api.Reply trigger(String name, Instant scheduleTime) {
    return trigger(
        name,
        scheduleTime.toString(),
        TestStack.serviceToken(TestStack.SCHEDULER_ACCOUNT, TestStack.SCHEDULER_AUDIENCE));
  }

  Api.Reply trigger(String name, String scheduleTime, String token) {
    MutableHttpRequest<String> r =
        HttpRequest.POST("/internal/v1/batches/" + name + "/runs", "{}")
            .contentType(MediaType.APPLICATION_JSON)
            .header("User-Agent", "Google-Cloud-Scheduler")
            .header("X-CloudScheduler", "true")
            .header("X-CloudScheduler-JobName", "simrun-batch-" + name);
    if (scheduleTime != null) {
      r.header("X-CloudScheduler-ScheduleTime", scheduleTime);
    }
    if (token != null) {
      r.header(Api.AUTH, "Bearer " + token);
    }
    return api.exchange(r);
  }

  long runs() {
    return rows.count("SELECT count(*) FROM batch_runs");
  }

  long batchSimulations() {
    return rows.count("SELECT count(*) FROM simulations WHERE batch_run_id IS NOT NULL");
  }

  void define(String name, String body) {
    Api.Reply put = put(OPERATOR, true, name, body);
    assertThat(put.status()).as(put.toString()).isIn(200, 201);
  }

  @Test
  void anOperatorDefinesReadsReplacesAndDeletesABatch() {
    Api.Reply created =
        put(
            OPERATOR,
            true,
            "nightly",
            batch(
                ", \"overlap\": \"cancelPrevious\", \"deadline\": \"PT2H\", \"failFastFirst\": 1",
                Api.units(30, 10),
                Api.units(20, 10)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.headers().get("Location")).isEqualTo("/api/v1/batches/nightly");
    JsonNode b = created.tree();
    assertThat(b.get("overlap").getStringValue()).isEqualTo("cancelPrevious");
    assertThat(b.get("deadline").getStringValue()).isEqualTo("PT2H");
    assertThat(b.get("failFastFirst").getIntValue()).isEqualTo(1);
    assertThat(b.get("simulations").size()).isEqualTo(2);
    assertThat(b.get("owner").getStringValue()).isEqualTo(Api.owner(OPERATOR));
    assertThat(b.get("version").getLongValue()).isEqualTo(1);

    Api.Reply replaced = put(OPERATOR, true, "nightly", batch("", Api.units(10, 10)));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.tree().get("version").getLongValue()).isEqualTo(2);
    assertThat(replaced.tree().get("overlap").getStringValue()).as("the default").isEqualTo("skip");
    assertThat(replaced.tree().get("deadline")).as("no deadline: absent").isNull();

    Api.Reply read = asOperator("/api/v1/batches/nightly");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.tree().get("simulations").size()).isEqualTo(1);
    assertThat(asOperator("/api/v1/batches").tree().get("items").size()).isEqualTo(1);

    Api.Reply deleted =
        api.exchange(
            HttpRequest.DELETE("/api/v1/batches/nightly")
                .header(Api.AUTH, Api.operatorBearer(OPERATOR)));
    assertThat(deleted.status()).isEqualTo(204);
    Api.Reply gone = asOperator("/api/v1/batches/nightly");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.contentType()).isEqualTo(Api.PROBLEM_JSON);
  }

  @Test
  void batchesAreForOperatorsOnly() {
    Api.Reply person = put("pete", false, "nightly", batch("", Api.units(10, 10)));
    assertThat(person.status()).isEqualTo(403);
    assertThat(person.contentType()).isEqualTo(Api.PROBLEM_JSON);
    Api.Reply anonymous =
        api.exchange(
            HttpRequest.PUT("/api/v1/batches/nightly", batch("", Api.units(10, 10)))
                .contentType(MediaType.APPLICATION_JSON));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(api.get("pete", "/api/v1/batches").status()).isEqualTo(403);
    assertThat(rows.count("SELECT count(*) FROM batches")).isZero();
  }

  @Test
  void aBadBatchIsRefusedNamingEveryFieldAndStoresNothing() {
    Api.Reply bad =
        put(
            OPERATOR,
            true,
            "nightly",
            batch(
                ", \"overlap\": \"sometimes\", \"deadline\": \"two hours\", \"failFastFirst\": 5",
                Api.units(10, 10),
                "{\"kind\": \"no-such-kind\", \"params\": {}}",
                "[1, 2]"));
    assertThat(bad.status()).as(bad.toString()).isEqualTo(422);
    assertThat(bad.contentType()).isEqualTo(Api.PROBLEM_JSON);
    Set<String> fields = fields(bad);
    assertThat(fields).contains("overlap", "deadline", "failFastFirst");

    Api.Reply badTemplates =
        put(
            OPERATOR,
            true,
            "nightly",
            batch("", Api.units(10, 10), "{\"kind\": \"no-such-kind\", \"params\": {}}", "[1, 2]"));
    assertThat(badTemplates.status()).as(badTemplates.toString()).isEqualTo(422);
    assertThat(fields(badTemplates))
        .containsExactlyInAnyOrder("simulations[1].kind", "simulations[2]");

    assertThat(put(OPERATOR, true, "nightly", "{\"simulations\": []}").status()).isEqualTo(422);
    assertThat(put(OPERATOR, true, "Not_A_Name", batch("", Api.units(10, 10))).status())
        .isEqualTo(400);
    assertThat(rows.count("SELECT count(*) FROM batches")).isZero();
    assertThat(rows.count("SELECT count(*) FROM simulations WHERE batch_run_id IS NOT NULL"))
        .isZero();
  }

  static Set<String> fields(Api.Reply reply) {
    List<String> names = new ArrayList<>();
    reply.tree().get("errors").values().forEach(e -> names.add(e.get("field").getStringValue()));
    return Set.copyOf(names);
  }

  @Test
  void aTriggerWithoutAValidSchedulerTokenIsRefusedAndStartsNothing() {
    define("nightly", batch("", Api.units(10, 10)));
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Api.Reply none = trigger("nightly", at.toString(), null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(none.headers().get("WWW-Authenticate")).isEqualTo("Bearer");

    String otherAudience =
        TestStack.serviceToken(TestStack.SCHEDULER_ACCOUNT, "https://someone-else.example");
    assertThat(trigger("nightly", at.toString(), otherAudience).status()).isEqualTo(401);

    String otherAccount =
        TestStack.serviceToken(
            "intruder@evil.iam.gserviceaccount.com", TestStack.SCHEDULER_AUDIENCE);
    assertThat(trigger("nightly", at.toString(), otherAccount).status()).isEqualTo(403);

    // A person's token is no Scheduler token.
    assertThat(
            trigger("nightly", at.toString(), TestStack.userToken(OPERATOR, "operator")).status())
        .isEqualTo(401);

    assertThat(runs()).isZero();
    assertThat(batchSimulations()).isZero();
  }

  @Test
  void aTriggerStartsOneRunWhoseSimulationsBelongToTheBatchOwner() {
    define("nightly", batch("", Api.units(30, 10), Api.units(20, 10)));
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Api.Reply started = trigger("nightly", at);
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    JsonNode run = started.tree();
    assertThat(run.get("status").getStringValue()).isEqualTo("RUNNING");
    assertThat(run.get("trigger").getStringValue()).isEqualTo("scheduler");
    assertThat(run.get("scheduleTime").getStringValue()).isEqualTo(at.toString());
    assertThat(run.get("requestedBy").getStringValue())
        .isEqualTo(TestStack.SCHEDULER_ACCOUNT + " (job simrun-batch-nightly)");

    Api.Reply detail = asOperator(started.headers().get("Location"));
    assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
    JsonNode sims = detail.tree().get("simulations");
    assertThat(sims.size()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      JsonNode s = sims.get(i);
      assertThat(s.get("position").getIntValue()).isEqualTo(i);
      Api.Reply mine = asOperator("/api/v1/simulations/" + s.get("id").getStringValue());
      assertThat(mine.status()).as("the batch owner's").isEqualTo(200);
      assertThat(mine.text("priority")).as("a template without one").isEqualTo("batch");
      assertThat(api.get("pete", "/api/v1/simulations/" + s.get("id").getStringValue()).status())
          .isEqualTo(404);
    }
    assertThat(detail.tree().get("transitions").get(0).get("status").getStringValue())
        .isEqualTo("RUNNING");
    assertThat(
            rows.count(
                "SELECT count(*) FROM simulation_events e JOIN simulations s ON s.id ="
                    + " e.simulation_id WHERE e.type = 'simulation.queued' AND e.payload #>>"
                    + " '{batch,runId}' = '"
                    + run.get("id").getStringValue()
                    + "'"))
        .as("each simulation's queued event names its run")
        .isEqualTo(2);
  }

  @Test
  void duplicateTriggersOfOneScheduleTimeStartOneRunAlsoWhenTheyArriveAtOnce() throws Exception {
    define("nightly", batch(", \"overlap\": \"allow\"", Api.units(30, 10)));
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Api.Reply> replies = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Reply>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        Callable<Api.Reply> call =
            () -> {
              go.await();
              return trigger("nightly", at);
            };
        futures.add(pool.submit(call));
      }
      go.countDown();
      for (Future<Api.Reply> f : futures) {
        replies.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    // ...and a retry afterwards, its time written with an offset instead of Z.
    replies.add(
        trigger(
            "nightly",
            at.atOffset(java.time.ZoneOffset.UTC).toString().replace("Z", "+00:00"),
            TestStack.serviceToken(TestStack.SCHEDULER_ACCOUNT, TestStack.SCHEDULER_AUDIENCE)));

    assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 202));
    assertThat(replies.stream().filter(r -> r.status() == 202)).hasSize(1);
    assertThat(replies.stream().map(r -> r.text("id")).collect(Collectors.toSet())).hasSize(1);
    assertThat(runs()).isEqualTo(1);
    assertThat(batchSimulations()).isEqualTo(1);
  }

  @Test
  void withOverlapSkipATriggerWhileARunGoesOnIsRecordedAsSkipped() {
    define("nightly", batch("", Api.units(30, 10)));
    Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    assertThat(trigger("nightly", first).status()).isEqualTo(202);

    Api.Reply second = trigger("nightly", first.plusSeconds(60));
    assertThat(second.status()).as(second.toString()).isEqualTo(200);
    assertThat(second.text("status")).isEqualTo("SKIPPED");
    assertThat(second.text("reason")).contains("still going").contains("skip");

    JsonNode listed = asOperator("/api/v1/batches/nightly/runs").tree().get("items");
    assertThat(listed.size()).isEqualTo(2);
    assertThat(listed.get(0).get("status").getStringValue()).isEqualTo("SKIPPED");
    assertThat(listed.get(1).get("status").getStringValue()).isEqualTo("RUNNING");
    assertThat(batchSimulations()).isEqualTo(1);
  }

  @Test
  void withOverlapCancelPreviousTheRunningRunIsCancelledAndTheNewOneStarts() {
    define("nightly", batch(", \"overlap\": \"cancelPrevious\"", Api.units(30, 10)));
    Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    Api.Reply a = trigger("nightly", first);
    Api.Reply b = trigger("nightly", first.plusSeconds(60));
    assertThat(b.status()).isEqualTo(202);
    JsonNode old = asOperator(a.headers().get("Location")).tree();
    assertThat(old.get("status").getStringValue()).isEqualTo("CANCELLED");
    assertThat(old.get("reason").getStringValue()).contains(b.text("id"));
    String sim = old.get("simulations").get(0).get("id").getStringValue();
    assertThat(asOperator("/api/v1/simulations/" + sim).text("status")).isEqualTo("CANCELLED");
  }

  @Test
  void aTriggerForATimeLongPastIsRecordedAsMissedAndRunsNothing() {
    define("nightly", batch("", Api.units(30, 10)));
    Api.Reply late = trigger("nightly", Instant.now().minus(Duration.ofHours(3)));
    assertThat(late.status()).as(late.toString()).isEqualTo(200);
    assertThat(late.text("status")).isEqualTo("MISSED");
    assertThat(batchSimulations()).isZero();
  }

  @Test
  void aRunPastItsDeadlineTimesOutAndTheNextOneStarts() {
    define("nightly", batch(", \"deadline\": \"PT1S\"", Api.units(30, 10)));
    Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Api.Reply hung = trigger("nightly", first);
    assertThat(hung.status()).isEqualTo(202);
    String uri = hung.headers().get("Location");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "TIMED_OUT".equals(asOperator(uri).text("status")));
    JsonNode run = asOperator(uri).tree();
    String sim = run.get("simulations").get(0).get("id").getStringValue();
    assertThat(asOperator("/api/v1/simulations/" + sim).text("status")).isEqualTo("CANCELLED");
    assertThat(run.get("transitions").size()).isEqualTo(2);

    Api.Reply next = trigger("nightly", first.plusSeconds(60));
    assertThat(next.status()).as(next.toString()).isEqualTo(202);
    assertThat(next.text("status")).isEqualTo("RUNNING");
  }

  @Test
  void aManualRunIsIdempotentPerKey() {
    define("nightly", batch(", \"overlap\": \"allow\"", Api.units(30, 10)));
    MutableHttpRequest<String> r =
        HttpRequest.POST("/api/v1/batches/nightly/runs", "")
            .header(Api.AUTH, Api.operatorBearer(OPERATOR))
            .header("Idempotency-Key", "rerun-2026-12-07");
    Api.Reply first = api.exchange(r);
    Api.Reply again = api.exchange(r);
    assertThat(first.status()).as(first.toString()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("id")).isEqualTo(first.text("id"));
    assertThat(first.text("trigger")).isEqualTo("manual");
    Api.Reply person =
        api.exchange(
            HttpRequest.POST("/api/v1/batches/nightly/runs", "")
                .header(Api.AUTH, Api.bearer("pete")));
    assertThat(person.status()).isEqualTo(403);
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  void aTriggerOfAnUnknownBatchOrWithoutItsScheduleTimeIsRefused() {
    String token =
        TestStack.serviceToken(TestStack.SCHEDULER_ACCOUNT, TestStack.SCHEDULER_AUDIENCE);
    Api.Reply unknown = trigger("nobody", Instant.now().toString(), token);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).isEqualTo(Api.PROBLEM_JSON);
    Api.Reply noRuns = asOperator("/api/v1/batches/nobody/runs");
    assertThat(noRuns.status()).as(noRuns.toString()).isEqualTo(404);
    assertThat(noRuns.contentType()).isEqualTo(Api.PROBLEM_JSON);
    define("nightly", batch("", Api.units(30, 10)));
    Api.Reply noTime = trigger("nightly", null, token);
    assertThat(noTime.status()).isEqualTo(400);
    assertThat(noTime.body()).contains("X-CloudScheduler-ScheduleTime");
    Api.Reply badTime = trigger("nightly", "yesterday", token);
    assertThat(badTime.status()).isEqualTo(400);
    assertThat(runs()).isZero();
  }
}
