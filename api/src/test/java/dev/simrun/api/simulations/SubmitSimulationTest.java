package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Submitting over real HTTP: 202, the stored simulation, one named Cloud Tasks task per chunk. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmitSimulationTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  @Test
  void aSubmissionIsAcceptedQueuedAndEveryChunkBecomesANamedTask() {
    Api.Reply accepted =
        api.submit(
            "ann",
            """
            {"kind": "test-units", "name": "first",
             "params": {"units": 25}, "chunking": {"unitsPerChunk": 10}}
            """);

    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    UUID id = accepted.id();
    assertThat(accepted.headers().get(HttpHeaders.LOCATION)).isEqualTo("/api/v1/simulations/" + id);
    assertThat(accepted.text("status")).isEqualTo("QUEUED");
    assertThat(accepted.tree().get("chunkCount").getIntValue()).isEqualTo(3);

    Api.Reply view = api.get("ann", accepted.headers().get(HttpHeaders.LOCATION));
    assertThat(view.status()).isEqualTo(200);
    JsonNode body = view.tree();
    assertThat(view.text("id")).isEqualTo(id.toString());
    assertThat(view.text("kind")).isEqualTo("test-units");
    assertThat(view.text("name")).isEqualTo("first");
    assertThat(view.text("status")).isEqualTo("QUEUED");
    assertThat(view.text("priority")).isEqualTo("interactive");
    JsonNode chunks = body.get("chunks");
    assertThat(chunks.get("total").getIntValue()).isEqualTo(3);
    assertThat(chunks.get("pending").getIntValue()).isEqualTo(3);
    assertThat(chunks.get("running").getIntValue()).isZero();
    assertThat(chunks.get("succeeded").getIntValue()).isZero();
    assertThat(chunks.get("failed").getIntValue()).isZero();
    assertThat(chunks.get("cancelled").getIntValue()).isZero();
    assertThat(body.get("progress").getDoubleValue()).isZero();
    assertThat(Instant.parse(view.text("createdAt"))).isBeforeOrEqualTo(Instant.now());
    assertThat(body.get("startedAt").isNull()).isTrue();
    assertThat(body.get("finishedAt").isNull()).isTrue();
    assertThat(body.get("error").isNull()).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id))
                    .containsExactlyInAnyOrderElementsOf(TestStack.chunkTaskIds(id, 3)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> rows.count("SELECT count(*) FROM outbox WHERE simulation_id = '" + id + "'"),
            n -> n == 0);
    assertThat(TestStack.taskIds(TestStack.BATCH, id)).isEmpty();
  }

  @Test
  void batchPriorityGoesToTheBatchQueue() {
    Api.Reply accepted =
        api.submit(
            "ann",
            """
            {"kind": "test-units", "priority": "batch", "params": {"units": 4},
             "chunking": {"unitsPerChunk": 1}}
            """);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    UUID id = accepted.id();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(TestStack.taskIds(TestStack.BATCH, id))
                    .containsExactlyInAnyOrderElementsOf(TestStack.chunkTaskIds(id, 4)));
    assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id)).isEmpty();
    assertThat(api.get("ann", "/api/v1/simulations/" + id).text("priority")).isEqualTo("batch");
  }

  @Test
  void withoutChunkingThePlannerChoosesTheChunkSizeAndTheHeaderlessCallerIsLocal() {
    Api.Reply accepted =
        api.submit(null, "{\"kind\": \"test-units\", \"params\": {\"units\": 95}}");
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    // 95 units of 10 ms on the default 2 CPU slots: twice as many chunks as slots, of 24 units.
    assertThat(accepted.tree().get("chunkCount").getIntValue()).isEqualTo(4);
    assertThat(api.get("local", "/api/v1/simulations/" + accepted.id()).status()).isEqualTo(200);
  }

  @Test
  void paramsAreStoredInTheirCanonicalForm() {
    Api.Reply accepted =
        api.submit(
            "ann",
            """
            {"kind": "test-units", "params": {"options": {"delayMs": 5}, "units": 3, "ignored": 1}}
            """);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    assertThat(
            rows.count(
                "SELECT count(*) FROM simulations WHERE id = '"
                    + accepted.id()
                    + "' AND params = '{\"units\": 3, \"options\": {\"delayMs\": 5}}'::jsonb"))
        .isEqualTo(1);
  }

  @Test
  void concurrentSubmitsWithOneIdempotencyKeyCreateOneSimulation() throws Exception {
    String key = "key-" + UUID.randomUUID();
    int threads = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Api.Reply>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return api.exchange(
                      api.post("carl", Api.units(5, 1)).header("Idempotency-Key", key));
                }));
      }
      start.countDown();
      List<Api.Reply> replies = new ArrayList<>();
      for (Future<Api.Reply> f : futures) {
        replies.add(f.get());
      }
      assertThat(replies).extracting(Api.Reply::status).containsOnly(200, 202);
      assertThat(replies).filteredOn(r -> r.status() == 202).hasSize(1);
      assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(15);
      UUID id = replies.getFirst().id();
      assertThat(replies).extracting(Api.Reply::id).containsOnly(id);
      assertThat(replies)
          .extracting(r -> r.headers().get(HttpHeaders.LOCATION))
          .containsOnly("/api/v1/simulations/" + id);
      assertThat(replies).extracting(r -> r.tree().get("chunkCount").getIntValue()).containsOnly(5);
      assertThat(
              rows.count(
                  "SELECT count(*) FROM simulations WHERE owner = '" + Api.owner("carl") + "'"))
          .isEqualTo(1);
      assertThat(rows.count("SELECT count(*) FROM chunks WHERE simulation_id = '" + id + "'"))
          .isEqualTo(5);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id))
                      .containsExactlyInAnyOrderElementsOf(TestStack.chunkTaskIds(id, 5)));
    }
  }

  @Test
  void theSameKeyFromAnotherOwnerIsAnotherSimulation() {
    String key = "shared-" + UUID.randomUUID();
    Api.Reply dora = api.exchange(api.post("dora", Api.units(1, 1)).header("Idempotency-Key", key));
    Api.Reply again =
        api.exchange(api.post("dora", Api.units(1, 1)).header("Idempotency-Key", key));
    Api.Reply emil = api.exchange(api.post("emil", Api.units(1, 1)).header("Idempotency-Key", key));
    assertThat(dora.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.id()).isEqualTo(dora.id());
    assertThat(emil.status()).isEqualTo(202);
    assertThat(emil.id()).isNotEqualTo(dora.id());
  }
}
