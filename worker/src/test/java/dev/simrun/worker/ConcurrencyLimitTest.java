package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.access.Scope;
import dev.simrun.shared.deadletters.DeadLetterStore;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.testing.Gates;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.Switches;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A worker limited to 2 concurrent chunks and no admission wait, the safety net under the waiting
 * room ({@link AdmissionTest}): a third push while two hold answers 429 with {@code Retry-After}
 * before anything is claimed, and is run once a slot is free; pushes it refused do not count
 * towards the failed attempts that make a dead letter.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyLimitTest implements TestPropertyProvider {
  static final String PATH = "/tasks/v1/chunks";
  static final int MAX_ATTEMPTS = 2;

  WorkerHarness tasks;
  String token;

  @Inject Simulations simulations;
  @Inject OutboxDispatcher dispatcher;
  @Inject DeadLetterStore deadLetters;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start(MAX_ATTEMPTS);
    Map<String, String> p = new java.util.HashMap<>(tasks.properties());
    p.put("simrun.worker.max-concurrent-chunks", "2");
    p.put("simrun.worker.busy-retry-after", "1s");
    p.put("simrun.worker.admission-wait", "0s");
    return p;
  }

  @BeforeAll
  void token() {
    token = tasks.token();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  HttpResponse<String> push(UUID id, int chunk, Map<String, String> headers) {
    return tasks.post(PATH, Simulations.chunkTask(id, chunk, 0), token, headers);
  }

  @Test
  void aPushBeyondTheLimitIs429WithRetryAfterAndChangesNothingThenARetryRuns() throws Exception {
    String gate = "limit-" + UUID.randomUUID();
    UUID id = simulations.create(SumKind.Params.of(3, 1).gated(gate));
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<HttpResponse<String>>> holding =
          List.of(
              CompletableFuture.supplyAsync(() -> push(id, 0, Map.of()), pool),
              CompletableFuture.supplyAsync(() -> push(id, 1, Map.of()), pool));
      await().atMost(Duration.ofSeconds(10)).until(() -> Gates.waiting(gate) == 2);

      List<String> before = rows.snapshot(id);
      HttpResponse<String> refused = push(id, 2, Map.of());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(refused.body()).contains("https://simrun.dev/problems/worker-busy");
      assertThat(rows.snapshot(id)).as("nothing claimed, nothing written").isEqualTo(before);
      assertThat(rows.chunk(id, 2).status()).isEqualTo("PENDING");
      assertThat(rows.chunk(id, 2).attempt()).isZero();

      Gates.open(gate);
      for (var f : holding) {
        assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> retried = push(id, 2, Map.of());
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(retried.body()).contains("\"committed\"");
      assertThat(rows.chunk(id, 2).attempt()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("SUCCEEDED"));
  }

  @Test
  void refusedPushesDoNotCountAsFailedAttempts() {
    String failing = "limit-fail-" + UUID.randomUUID();
    Switches.on(failing);
    UUID id = simulations.create(SumKind.Params.of(1, 1).failingAtWhile(0, failing));
    // Five earlier pushes, all refused as busy (429 is an answer below 500): none failed, so this
    // failure is the first of the two allowed and the chunk is given back.
    HttpResponse<String> first =
        push(id, 0, Map.of(TaskDelivery.RETRY_COUNT, "5", TaskDelivery.EXECUTION_COUNT, "5"));
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(rows.chunk(id, 0).status()).isEqualTo("PENDING");
    assertThat(deadLetters.list(Scope.owner(Simulations.OWNER), id, null, 10, null).items())
        .isEmpty();

    // Seven pushes before, one of which failed (a 5xx is not an execution): this failure is the
    // second, the last the budget allows.
    HttpResponse<String> second =
        push(id, 0, Map.of(TaskDelivery.RETRY_COUNT, "7", TaskDelivery.EXECUTION_COUNT, "6"));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("dead-lettered");
    assertThat(rows.chunk(id, 0).status()).isEqualTo("FAILED");
  }

  @Test
  void throughTheQueueABusyWorkerDelaysChunksButNeverDeadLettersThem() {
    String gate = "limit-queue-" + UUID.randomUUID();
    UUID id = simulations.create(SumKind.Params.of(6, 1).gated(gate));
    dispatcher.drain();
    await().atMost(Duration.ofSeconds(10)).until(() -> Gates.waiting(gate) == 2);
    // Hold the two slots until the queue has been refused more often than the failure budget
    // would allow if refusals counted.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> tasks.interactiveStats().failures() >= 4L * (MAX_ATTEMPTS + 1));
    assertThat(Gates.waiting(gate)).as("never more than the limit at once").isEqualTo(2);
    Gates.open(gate);

    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(id).equals("SUCCEEDED"));
    assertThat(rows.chunks(id)).extracting(Rows.Chunk::attempt).containsOnly(1);
    assertThat(deadLetters.list(Scope.owner(Simulations.OWNER), id, null, 10, null).items())
        .isEmpty();
  }
}
