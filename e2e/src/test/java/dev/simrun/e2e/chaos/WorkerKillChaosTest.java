package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.e2e.SimRunStack;
import dev.simrun.emulator.tasks.EmulatorStats;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the worker process at a random moment of each of 20 runs of a 500-chunk backtest, then
 * the worker started again on its port: every run must succeed with the fault-free result, each
 * chunk committed and counted once.
 */
@Tag("chaos")
class WorkerKillChaosTest {
  static final int RUNS = 20;

  @Test
  void everyRunSurvivesAKilledWorkerWithTheSameResult() throws Exception {
    SimRunStack stack = ChaosStacks.shared();
    byte[] expected = ChaosStacks.baseline();
    ChaosReport report =
        new ChaosReport(
            "1-worker-kill",
            "Worker killed (SIGKILL) once per run, " + RUNS + " runs × 500 chunks",
            "run",
            "kill when chunks_done ≥",
            "chunks_done at kill",
            "RUNNING at kill",
            "kill at (ms after submit)",
            "restart (ms)",
            "restart → SUCCEEDED (ms)",
            "run total (ms)",
            "extra attempts",
            "reconciler redispatches",
            "failed pushes",
            "identical");
    SplittableRandom random = new SplittableRandom(ChaosStacks.SEED);
    for (int run = 1; run <= RUNS; run++) {
      int killAt = random.nextInt(ChaosStacks.CHUNKS);
      EmulatorStats.Queue before = stack.interactiveStats();
      long submitted = System.nanoTime();
      String id = stack.submit(ChaosStacks.FIVE_HUNDRED_CHUNKS);
      UUID sim = UUID.fromString(id);
      while (ChaosChecks.chunksDone(stack, id) < killAt) {
        Thread.sleep(5);
      }
      stack.killWorker();
      long killedAfter = ChaosReport.millisSince(submitted);
      long doneAtKill = ChaosChecks.chunksDone(stack, id);
      long runningAtKill =
          stack.queryLong(
              "SELECT count(*) FROM chunks WHERE simulation_id = ? AND status = 'RUNNING'", sim);
      long restarting = System.nanoTime();
      stack.restartWorker();
      long restartMillis = ChaosReport.millisSince(restarting);
      long up = System.nanoTime();
      byte[] result = stack.awaitResult(id, Duration.ofMinutes(2));
      long recovery = ChaosReport.millisSince(up);
      long total = ChaosReport.millisSince(submitted);
      boolean identical = Arrays.equals(result, expected);
      EmulatorStats.Queue after = stack.interactiveStats();
      report.row(
          run,
          killAt,
          doneAtKill,
          runningAtKill,
          killedAfter,
          restartMillis,
          recovery,
          total,
          ChaosChecks.extraAttempts(stack, id),
          ChaosChecks.redispatched(stack, id),
          after.failures() - before.failures(),
          identical ? "yes" : "NO");
      assertThat(result)
          .as("run %d (seed %d, killed at %d chunks done)", run, ChaosStacks.SEED, doneAtKill)
          .isEqualTo(expected);
      ChaosChecks.succeededExactlyOnce(stack, id, ChaosStacks.CHUNKS);
    }
  }
}
