package dev.simrun.api.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.simulations.ChunkFailures;
import dev.simrun.shared.simulations.ChunkStore;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dead-letter endpoints over real HTTP. A dead letter is made the way a worker makes it: claim
 * the chunk, then record its last attempt's failure with {@link ChunkFailures}. The queues are
 * paused, so a replay's new tasks can be seen waiting in them.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersApiTest implements TestPropertyProvider {
  static final String PROBLEMS = "https://simrun.dev/problems/";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject ChunkStore chunks;
  @Inject ChunkFailures failures;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  /** A 3-chunk simulation of {@code owner} whose chunk 1 failed on its fifth and last attempt. */
  UUID deadLettered(String owner, String failurePolicy) {
    String body =
        Api.units(30, 10).replaceFirst("}$", ", \"failurePolicy\": " + failurePolicy + "}");
    Api.Reply submitted = api.submit(owner, body);
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    UUID id = submitted.id();
    var claimed = (ChunkStore.Claimed) chunks.claim(id, 1, 0, Duration.ofMinutes(5));
    var failed =
        failures.deadLetter(
            new ChunkFailures.FailedAttempt(
                id, 1, claimed.attempt(), null, "java.io.IOException: disk on fire", 5, false));
    assertThat(failed).isInstanceOf(ChunkFailures.DeadLettered.class);
    return id;
  }

  JsonNode onlyLetterOf(String owner, UUID simulationId) {
    Api.Reply list = api.get(owner, "/api/v1/dead-letters?simulationId=" + simulationId);
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    JsonNode items = list.tree().get("items");
    assertThat(items.size()).isEqualTo(1);
    return items.get(0);
  }

  String letterUri(String owner, UUID simulationId) {
    return "/api/v1/dead-letters/" + onlyLetterOf(owner, simulationId).get("id").getStringValue();
  }

  Api.Reply post(String owner, String uri) {
    return api.exchange(
        HttpRequest.POST(uri, "")
            .contentType(MediaType.APPLICATION_JSON)
            .header(Api.AUTH, Api.bearer(owner)));
  }

  @Test
  void aDeadLetterIsListedAndReadByItsOwnerOnly() {
    UUID sim = deadLettered("dora", "\"failFast\"");

    JsonNode letter = onlyLetterOf("dora", sim);
    assertThat(letter.get("chunk").getIntValue()).isEqualTo(1);
    assertThat(letter.get("generation").getIntValue()).isZero();
    assertThat(letter.get("taskName").getStringValue()).isEqualTo("sim-" + sim + "-c1-g0");
    assertThat(letter.get("payload").get("chunkIndex").getIntValue()).isEqualTo(1);
    assertThat(letter.get("error").getStringValue()).isEqualTo("java.io.IOException: disk on fire");
    assertThat(letter.get("attempts").getIntValue()).isEqualTo(5);
    assertThat(letter.get("permanent").getBooleanValue()).isFalse();
    assertThat(letter.get("status").getStringValue()).isEqualTo("OPEN");
    assertThat(letter.get("firstFailureAt").getStringValue()).isNotBlank();
    String uri = "/api/v1/dead-letters/" + letter.get("id").getStringValue();

    assertThat(api.get("dora", uri).text("status")).isEqualTo("OPEN");
    Api.Reply stranger = api.get("eve", uri);
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(stranger.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(
            api.get("eve", "/api/v1/dead-letters?simulationId=" + sim).tree().get("items").size())
        .isZero();
    Api.Reply simulation = api.get("dora", "/api/v1/simulations/" + sim);
    assertThat(simulation.text("status")).as("failFast").isEqualTo("FAILED");
    assertThat(simulation.tree().get("chunks").get("failed").getIntValue()).isEqualTo(1);
    assertThat(simulation.tree().get("failurePolicy").get("tolerate").getIntValue()).isZero();
  }

  @Test
  void theListPagesNewestFirstAndRejectsBadParameters() {
    String owner = "pager-" + UUID.randomUUID().toString().substring(0, 8);
    UUID first = deadLettered(owner, "\"failFast\"");
    UUID second = deadLettered(owner, "\"failFast\"");
    UUID third = deadLettered(owner, "\"failFast\"");

    Api.Reply page = api.get(owner, "/api/v1/dead-letters?limit=2");
    JsonNode items = page.tree().get("items");
    assertThat(items.size()).isEqualTo(2);
    assertThat(items.get(0).get("simulationId").getStringValue()).isEqualTo(third.toString());
    assertThat(items.get(1).get("simulationId").getStringValue()).isEqualTo(second.toString());
    String cursor = page.text("nextCursor");
    JsonNode rest = api.get(owner, "/api/v1/dead-letters?limit=2&cursor=" + cursor).tree();
    assertThat(rest.get("items").size()).isEqualTo(1);
    assertThat(rest.get("items").get(0).get("simulationId").getStringValue())
        .isEqualTo(first.toString());
    assertThat(rest.get("nextCursor").isNull()).isTrue();

    for (String bad : new String[] {"status=LOST", "cursor=nope", "limit=0", "limit=101"}) {
      Api.Reply r = api.get(owner, "/api/v1/dead-letters?" + bad);
      assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
      assertThat(r.contentType()).isEqualTo(Api.PROBLEM_JSON);
    }
    assertThat(api.get(owner, "/api/v1/dead-letters?status=open").tree().get("items").size())
        .isEqualTo(3);
  }

  @Test
  void aReplayRunsTheChunkAgainAsANewTaskAndTheFailedSimulationRunsAgain() {
    UUID sim = deadLettered("rita", "\"failFast\"");
    String uri = letterUri("rita", sim);

    Api.Reply replayed = post("rita", uri + "/replay");

    assertThat(replayed.status()).as(replayed.toString()).isEqualTo(202);
    assertThat(replayed.text("status")).isEqualTo("REPLAYED");
    assertThat(replayed.text("resolvedAt")).isNotNull();
    Api.Reply simulation = api.get("rita", "/api/v1/simulations/" + sim);
    assertThat(simulation.text("status")).isEqualTo("RUNNING");
    assertThat(simulation.text("error")).isNull();
    assertThat(simulation.tree().get("chunks").get("pending").getIntValue())
        .as("the failed chunk and the two failFast cancelled")
        .isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> TestStack.taskIds(TestStack.INTERACTIVE, sim),
            ids ->
                ids.contains("sim-" + sim + "-c0-g1")
                    && ids.contains("sim-" + sim + "-c1-g1")
                    && ids.contains("sim-" + sim + "-c2-g1"));
    assertThat(
            rows.count(
                "SELECT count(*) FROM simulation_events WHERE simulation_id = '"
                    + sim
                    + "' AND type IN ('chunk.replayed', 'simulation.resumed')"))
        .isEqualTo(2);

    Api.Reply again = post("rita", uri + "/replay");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(again.text("type")).isEqualTo(PROBLEMS + "already-resolved");
    assertThat(post("rita", uri + "/discard").status()).isEqualTo(409);
  }

  @Test
  void aToleratedFailureReplaysOnlyItsChunk() {
    UUID sim = deadLettered("tom", "{\"tolerate\": 1}");
    assertThat(api.get("tom", "/api/v1/simulations/" + sim).text("status")).isEqualTo("RUNNING");

    assertThat(post("tom", letterUri("tom", sim) + "/replay").status()).isEqualTo(202);

    assertThat(
            rows.count(
                "SELECT count(*) FROM chunks WHERE simulation_id = '"
                    + sim
                    + "' AND status = 'PENDING' AND generation = 1"))
        .as("only the dead letter's chunk runs anew")
        .isEqualTo(1);
    assertThat(rows.count("SELECT chunks_done FROM simulations WHERE id = '" + sim + "'")).isZero();
  }

  @Test
  void aDiscardClosesTheLetterAndLeavesTheChunkFailed() {
    UUID sim = deadLettered("dan", "\"failFast\"");
    String uri = letterUri("dan", sim);

    Api.Reply discarded = post("dan", uri + "/discard");

    assertThat(discarded.status()).isEqualTo(200);
    assertThat(discarded.text("status")).isEqualTo("DISCARDED");
    assertThat(api.get("dan", "/api/v1/simulations/" + sim).text("status")).isEqualTo("FAILED");
    Api.Reply replay = post("dan", uri + "/replay");
    assertThat(replay.status()).isEqualTo(409);
    assertThat(replay.text("type")).isEqualTo(PROBLEMS + "already-resolved");
    assertThat(post("eve", uri + "/discard").status()).as("not eve's").isEqualTo(404);
  }

  @Test
  void replayingAChunkThatSucceededSinceOrACancelledSimulationIsRefused() {
    UUID succeeded = deadLettered("sue", "{\"tolerate\": 1}");
    rows.update(
        "UPDATE chunks SET status = 'SUCCEEDED' WHERE simulation_id = '"
            + succeeded
            + "' AND idx = 1");
    Api.Reply r = post("sue", letterUri("sue", succeeded) + "/replay");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.text("type")).isEqualTo(PROBLEMS + "not-replayable");
    assertThat(r.text("detail")).contains("SUCCEEDED", "nothing to replay");
    assertThat(onlyLetterOf("sue", succeeded).get("status").getStringValue()).isEqualTo("OPEN");

    UUID cancelled = deadLettered("sue", "{\"tolerate\": 1}");
    assertThat(post("sue", "/api/v1/simulations/" + cancelled + "/cancel").status()).isEqualTo(202);
    r = post("sue", letterUri("sue", cancelled) + "/replay");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.text("detail")).contains("CANCELLED");
  }

  @Test
  void replayingASimulationWhoseDatasetWasDeletedIsRefusedUpFront() {
    StringBuilder csv = new StringBuilder("timestamp,open,high,low,close,volume\n");
    for (int i = 0; i < 60; i++) {
      int close = 100 + i % 7;
      csv.append(java.time.LocalDate.of(2024, 1, 1).plusDays(i))
          .append("," + close + "," + (close + 1) + "," + (close - 1) + "," + close + ",1000\n");
    }
    Api.Reply uploaded =
        api.exchange(
            HttpRequest.POST("/api/v1/datasets?name=closes", csv.toString())
                .contentType("text/csv")
                .header(Api.AUTH, Api.bearer("dee")));
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    String dataset = uploaded.text("id");
    Api.Reply submitted =
        api.submit(
            "dee",
            """
            {"kind": "forecast-backtest", "failurePolicy": "failFast",
             "params": {"series": {"dataset": "%s", "column": "close"},
              "start": 20, "end": 40, "history": 10, "agents": [{"type": "naive"}]}}
            """
                .formatted(dataset));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    UUID sim = submitted.id();
    var claimed = (ChunkStore.Claimed) chunks.claim(sim, 0, 0, Duration.ofMinutes(5));
    failures.deadLetter(
        new ChunkFailures.FailedAttempt(
            sim, 0, claimed.attempt(), null, "java.io.IOException: disk on fire", 5, false));
    assertThat(api.get("dee", "/api/v1/simulations/" + sim).text("status")).isEqualTo("FAILED");
    Api.Reply deleted =
        api.exchange(
            HttpRequest.DELETE("/api/v1/datasets/" + dataset).header(Api.AUTH, Api.bearer("dee")));
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);

    Api.Reply replay = post("dee", letterUri("dee", sim) + "/replay");

    assertThat(replay.status()).as(replay.toString()).isEqualTo(409);
    assertThat(replay.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(replay.text("type")).isEqualTo(PROBLEMS + "not-replayable");
    assertThat(replay.text("detail")).contains(dataset, "deleted");
    assertThat(onlyLetterOf("dee", sim).get("status").getStringValue()).isEqualTo("OPEN");
    assertThat(api.get("dee", "/api/v1/simulations/" + sim).text("status")).isEqualTo("FAILED");
    assertThat(
            rows.count(
                "SELECT count(*) FROM chunks WHERE simulation_id = '"
                    + sim
                    + "' AND generation > 0"))
        .as("no chunk ran anew")
        .isZero();
  }

  Api.Reply asOperator(HttpRequest<?> request, String user) {
    return api.exchange(
        ((io.micronaut.http.MutableHttpRequest<?>) request)
            .header(Api.AUTH, Api.operatorBearer(user)));
  }

  @Test
  void operatorsSeeAndResolveEveryOwnersDeadLettersAndNobodyElseMay() {
    UUID anns = deadLettered("ann-ops", "{\"tolerate\": 1}");
    UUID bobs = deadLettered("bob-ops", "\"failFast\"");
    String admin = "/api/v1/admin/dead-letters";

    // Everyone's, newest first, each with its owner; narrowed to one owner when asked.
    JsonNode all = asOperator(HttpRequest.GET(admin + "?limit=100"), "olga").tree().get("items");
    java.util.List<String> sims = new java.util.ArrayList<>();
    all.values().forEach(l -> sims.add(l.get("simulationId").getStringValue()));
    assertThat(sims).contains(anns.toString(), bobs.toString());
    JsonNode bobsOnly =
        asOperator(HttpRequest.GET(admin + "?owner=" + Api.owner("bob-ops")), "olga")
            .tree()
            .get("items");
    assertThat(bobsOnly.size()).isEqualTo(1);
    assertThat(bobsOnly.get(0).get("owner").getStringValue()).isEqualTo(Api.owner("bob-ops"));
    assertThat(bobsOnly.get(0).get("simulationId").getStringValue()).isEqualTo(bobs.toString());
    String bobsLetter = admin + "/" + bobsOnly.get(0).get("id").getStringValue();
    assertThat(asOperator(HttpRequest.GET(bobsLetter), "olga").text("status")).isEqualTo("OPEN");

    // Signed in without the role: 403 on every operator route, and nothing changes.
    java.util.List<java.util.function.Supplier<io.micronaut.http.MutableHttpRequest<?>>> routes =
        java.util.List.of(
            () -> HttpRequest.GET(admin),
            () -> HttpRequest.GET(bobsLetter),
            () ->
                HttpRequest.POST(bobsLetter + "/replay", "")
                    .contentType(MediaType.APPLICATION_JSON),
            () ->
                HttpRequest.POST(bobsLetter + "/discard", "")
                    .contentType(MediaType.APPLICATION_JSON));
    for (var route : routes) {
      Api.Reply refused = api.exchange(route.get().header(Api.AUTH, Api.bearer("ann-ops")));
      assertThat(refused.status()).as(route.get().getPath() + " " + refused).isEqualTo(403);
      assertThat(refused.contentType()).isEqualTo(Api.PROBLEM_JSON);
      assertThat(refused.text("type")).isEqualTo(PROBLEMS + "forbidden");
      Api.Reply anonymous = api.exchange(route.get());
      assertThat(anonymous.status()).as(route.get().getPath() + " " + anonymous).isEqualTo(401);
      assertThat(anonymous.contentType()).isEqualTo(Api.PROBLEM_JSON);
    }
    assertThat(asOperator(HttpRequest.GET(bobsLetter), "olga").text("status")).isEqualTo("OPEN");

    // An operator's own dead-letter route stays their own: bob's letter is not found there.
    String asOwnerRoute = "/api/v1/dead-letters/" + bobsOnly.get(0).get("id").getStringValue();
    assertThat(asOperator(HttpRequest.GET(asOwnerRoute), "olga").status()).isEqualTo(404);

    // The operator replays bob's letter: the failed simulation runs again, as if bob had.
    Api.Reply replayed =
        asOperator(
            HttpRequest.POST(bobsLetter + "/replay", "").contentType(MediaType.APPLICATION_JSON),
            "olga");
    assertThat(replayed.status()).as(replayed.toString()).isEqualTo(202);
    assertThat(replayed.text("status")).isEqualTo("REPLAYED");
    assertThat(api.get("bob-ops", "/api/v1/simulations/" + bobs).text("status"))
        .isEqualTo("RUNNING");
    assertThat(
            asOperator(
                    HttpRequest.POST(bobsLetter + "/discard", "")
                        .contentType(MediaType.APPLICATION_JSON),
                    "olga")
                .status())
        .isEqualTo(409);

    String annsLetter = admin + "/" + onlyLetterOf("ann-ops", anns).get("id").getStringValue();
    Api.Reply discarded =
        asOperator(
            HttpRequest.POST(annsLetter + "/discard", "").contentType(MediaType.APPLICATION_JSON),
            "olga");
    assertThat(discarded.text("status")).isEqualTo("DISCARDED");
    assertThat(asOperator(HttpRequest.GET(admin + "/" + UUID.randomUUID()), "olga").status())
        .isEqualTo(404);
    assertThat(asOperator(HttpRequest.GET(admin + "?owner=not%20an%20owner"), "olga").status())
        .isEqualTo(400);
  }
}
