package dev.simrun.worker.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.Switches;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A long chunk saves checkpoints as it goes; when an attempt dies part-way, the retry resumes from
 * the last one saved instead of from the start, and the result is the uninterrupted run's.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointTest implements TestPropertyProvider {
  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void aRetryResumesFromTheCheckpointAndGivesTheUninterruptedResult() {
    String crash = "crash-" + UUID.randomUUID();
    long seed = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    // 40 units of 30 ms; the first attempt dies at unit 30, about 0.9 s in.
    SumKind.Params params =
        SumKind.Params.of(40, 40).seeded(seed).slow(30).failingAtWhile(30, crash);
    UUID id = simulations.create(params);
    String token = tasks.token();
    String task = Simulations.chunkTask(id, 0, 0);

    Switches.on(crash);
    assertThat(tasks.post("/tasks/v1/chunks", task, token).statusCode()).isEqualTo(500);
    Switches.off(crash);
    assertThat(tasks.post("/tasks/v1/chunks", task, token).statusCode()).isEqualTo(200);

    List<Long> starts = SumKind.STARTS.get(seed);
    assertThat(starts).hasSize(2);
    assertThat(starts.getFirst()).isZero();
    assertThat(starts.get(1))
        .as("the retry started where a checkpoint of the first attempt left off")
        .isBetween(2L, 30L);
    byte[] uninterrupted =
        kinds.write(kind.runChunk(params.seeded(seed), new UnitRange(0, 40), ChunkContext.NONE));
    assertThat(rows.chunk(id, 0).result()).isEqualTo(uninterrupted);
    assertThat(rows.chunk(id, 0).attempt()).isEqualTo(2);
  }
}
