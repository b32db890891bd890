package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.SimRunStack;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A cancel that comes after the worker died under running chunks: their attempts will never stop
 * themselves, so once their leases lapse the api's reconciler cancels them and finishes the
 * cancellation (it stayed CANCELLING for good before; see docs/chaos.md).
 */
@Tag("chaos")
class CancelAfterWorkerCrashChaosTest {

  @Test
  void aCancelCompletesEvenWhenTheRunningChunksDiedWithTheirWorker() {
    SimRunStack stack = ChaosStacks.shared();
    String id = stack.submit(CancelChaosTest.LONG_CHUNKS);
    UUID sim = UUID.fromString(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                stack.queryLong(
                    "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'",
                    sim),
            running -> running > 0);
    stack.killWorker();
    try {
      assertThat(stack.post("/api/v1/simulations/" + id + "/cancel").statusCode()).isEqualTo(202);
    } finally {
      stack.restartWorker();
    }
    // The dead attempts' leases (3 s) lapse; give recovery ten times that.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> stack.simulation(id).path("status").asText(), "CANCELLED"::equals);
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'", sim))
        .isZero();
  }
}
