package dev.simrun.api.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The api's reconciler on its timer, against the Cloud Tasks emulator: a chunk whose task vanished
 * from the queue gets a task of the next generation through the outbox; the others keep theirs.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileTimerTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.reconcile.interval", "200ms");
    p.put("simrun.reconcile.quiet-for", "0s");
    return p;
  }

  @Test
  void aChunkWhoseTaskVanishedGetsANewOne() {
    UUID id = new Api(http, json).submit("ann", Api.units(3, 1)).id();
    List<String> original = TestStack.chunkTaskIds(id, 3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestStack.taskIds(TestStack.INTERACTIVE, id).containsAll(original));

    TestStack.deleteTask(TestStack.INTERACTIVE, original.get(1));

    String next = "sim-" + id + "-c1-g1";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestStack.taskIds(TestStack.INTERACTIVE, id).contains(next));
    assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id))
        .containsExactlyInAnyOrder(original.get(0), next, original.get(2));
  }
}
