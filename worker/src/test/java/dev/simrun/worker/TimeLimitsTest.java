package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.access.Scope;
import dev.simrun.shared.deadletters.DeadLetterStore;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.testing.Gates;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No run holds a chunk forever: past the soft limit (300 ms here) a kind that checks {@code
 * cancelled()} is asked to stop and the attempt is retried; past the hard limit (3 s) the worker
 * abandons a kind that does not check, gives the chunk back and answers 503 — or, on the queue's
 * last attempt, records a dead letter.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeLimitsTest implements TestPropertyProvider {
  static final int MAX_ATTEMPTS = 3;

  WorkerHarness tasks;
  String token;

  @Inject Simulations simulations;
  @Inject DeadLetterStore deadLetters;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start(MAX_ATTEMPTS);
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("simrun.worker.soft-time-limit", "300ms");
    // Far enough past the soft limit that a cooperative kind stops in between on a busy machine.
    p.put("simrun.worker.hard-time-limit", "3s");
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

  HttpResponse<String> push(UUID id, int retries) {
    return tasks.post(
        "/tasks/v1/chunks",
        Simulations.chunkTask(id, 0, 0),
        token,
        Map.of(TaskDelivery.RETRY_COUNT, Integer.toString(retries)));
  }

  @Test
  void pastTheSoftLimitACooperativeKindStopsAndTheAttemptIsRetried() {
    // 100 units of 50 ms: 5 s of work, asked to stop after 300 ms.
    UUID id = simulations.create(SumKind.Params.of(100, 100).slow(50));

    HttpResponse<String> r = push(id, 0);

    // A 500 for the soft limit, not a 503 for the hard one: the kind stopped when asked, long
    // before its 5 s of work were done and before the worker had to abandon it.
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("soft time limit");
    Rows.Chunk chunk = rows.chunk(id, 0);
    assertThat(chunk.status()).as("given back for the retry").isEqualTo("PENDING");
    assertThat(chunk.error()).contains("soft time limit");
  }

  @Test
  void pastTheHardLimitTheRunIsAbandonedWith503() {
    String gate = "hard-" + UUID.randomUUID();
    // Waits at a gate that never opens and never checks cancelled().
    UUID id = simulations.create(SumKind.Params.of(10, 10).gated(gate));

    HttpResponse<String> r = push(id, 0);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("https://simrun.dev/problems/chunk-timed-out", "hard time limit");
    assertThat(rows.chunk(id, 0).status()).isEqualTo("PENDING");
    // The abandoned run was interrupted: it left the gate long before the gate's own 30 s ran out.
    await().atMost(Duration.ofSeconds(20)).until(() -> Gates.waiting(gate) == 0);
  }

  @Test
  void onTheLastAttemptAHungRunBecomesADeadLetter() {
    String gate = "hard-last-" + UUID.randomUUID();
    UUID id = simulations.create(SumKind.Params.of(10, 10).gated(gate));

    HttpResponse<String> r = push(id, MAX_ATTEMPTS - 1);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("dead-lettered", "hard time limit");
    assertThat(rows.chunk(id, 0).status()).isEqualTo("FAILED");
    assertThat(deadLetters.list(Scope.owner(Simulations.OWNER), id, null, 10, null).items())
        .hasSize(1);
  }
}
