package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.e2e.SimRunStack;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.emulator.tasks.FaultPlan;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cloud Tasks at its worst within its contract: 10% of attempts delivered again after they
 * finished, 5% delivered twice at once, 5% of 2xx answers lost (the task runs again). A 500-chunk
 * run must give the fault-free result and count nothing twice.
 */
@Tag("chaos")
class EmulatorFaultsChaosTest {

  @Test
  void duplicatesAndLostAnswersChangeNothing() {
    SimRunStack stack = ChaosStacks.shared();
    byte[] expected = ChaosStacks.baseline();
    ChaosReport report =
        new ChaosReport(
            "2-emulator-faults",
            "Emulator faults: 10% duplicate deliveries, 5% concurrent duplicates, 5% dropped"
                + " responses, 1 run × 500 chunks",
            "attempts",
            "duplicates injected",
            "responses dropped",
            "failed attempts",
            "extra claims",
            "run (ms)",
            "identical");
    EmulatorStats.Queue before = stack.interactiveStats();
    stack.tasks().faults(stack.interactiveQueue(), new FaultPlan(0.10, 0.05, 0.05));
    byte[] result;
    String id;
    long started = System.nanoTime();
    try {
      id = stack.submit(ChaosStacks.FIVE_HUNDRED_CHUNKS);
      result = stack.awaitResult(id, Duration.ofMinutes(2));
    } finally {
      stack.tasks().clearFaults(stack.interactiveQueue());
    }
    long millis = ChaosReport.millisSince(started);
    EmulatorStats.Queue after = stack.interactiveStats();
    long duplicates = after.duplicatesInjected() - before.duplicatesInjected();
    long dropped = after.responsesDropped() - before.responsesDropped();
    report.row(
        after.attempts() - before.attempts(),
        duplicates,
        dropped,
        after.failures() - before.failures(),
        ChaosChecks.extraAttempts(stack, id),
        millis,
        java.util.Arrays.equals(result, expected) ? "yes" : "NO");

    assertThat(duplicates).as("the emulator injected duplicates").isPositive();
    assertThat(dropped).as("the emulator dropped answers").isPositive();
    assertThat(result).as("seed %d", ChaosStacks.SEED).isEqualTo(expected);
    ChaosChecks.succeededExactlyOnce(stack, id, ChaosStacks.CHUNKS);
  }
}
