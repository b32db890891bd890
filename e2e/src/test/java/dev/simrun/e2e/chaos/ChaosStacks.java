package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.util.Durations;
import dev.simrun.e2e.SimRunStack;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.backtest.BacktestParams;
import dev.simrun.kinds.backtest.StrategyBacktestKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What the chaos tests share: the stack they break (short queue retries, short leases), the
 * simulation they run, and its result from a fault-free run to compare against.
 */
final class ChaosStacks {
  /**
   * The seed of every random choice of the suite (kill moments, the emulator's faults): {@code
   * -Dsimrun.chaos.seed=...} repeats a run; by default each run picks one and reports it.
   */
  static final long SEED = Long.getLong("simrun.chaos.seed", System.currentTimeMillis());

  /** 1 symbol × 500 (fast, slow) pairs on 2,000 bars: 500 cheap units, one per chunk. */
  static final int CHUNKS = 500;

  static final String FIVE_HUNDRED_CHUNKS =
      """
      {"kind": "strategy-backtest", "name": "chaos 500 chunks",
       "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 2000, "seed": 7}},
                  "strategy": "sma-crossover",
                  "grid": {"fast": [%s], "slow": [%s]},
                  "costs": {"commissionBps": 1, "slippageBps": 0.5}},
       "chunking": {"unitsPerChunk": 1}}
      """
          .formatted(windows(1, 20), windows(30, 54));

  private static SimRunStack shared;
  private static byte[] baseline;

  private ChaosStacks() {}

  static String windows(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(", "));
  }

  /**
   * Retries as a test can wait for them: unlimited, from 50 ms doubling up to 1 s (Cloud Tasks'
   * defaults back off up to an hour).
   */
  static RetryConfig shortRetries() {
    return RetryConfig.newBuilder()
        .setMaxAttempts(-1)
        .setMinBackoff(Durations.fromMillis(50))
        .setMaxBackoff(Durations.fromSeconds(1))
        .setMaxDoublings(4)
        .build();
  }

  /**
   * A stack for breaking: short retries; a 3 s lease so that a chunk whose worker died is taken
   * over seconds later, not after 5 minutes; the reconciler every 2 s for chunks quiet for 5 s.
   */
  static SimRunStack.Builder chaosStack() {
    return SimRunStack.builder()
        .retry(shortRetries())
        .emulatorSeed(SEED)
        .workerEnv("SIMRUN_WORKER_LEASE", "3s")
        .apiEnv("SIMRUN_RECONCILE_INTERVAL", "2s")
        .apiEnv("SIMRUN_RECONCILE_QUIET_FOR", "5s");
  }

  /** One chaos stack for the whole JVM, stopped when it exits; tests leave it whole. */
  static synchronized SimRunStack shared() {
    if (shared == null) {
      shared = chaosStack().start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /**
   * The result of {@link #FIVE_HUNDRED_CHUNKS} from a fault-free run through the pipeline, checked
   * against a direct in-memory run of the kind.
   */
  static synchronized byte[] baseline() {
    if (baseline == null) {
      SimRunStack stack = shared();
      byte[] result = stack.awaitResult(stack.submit(FIVE_HUNDRED_CHUNKS), Duration.ofMinutes(2));
      try {
        BacktestParams params =
            SimRunStack.JSON.treeToValue(
                SimRunStack.read(FIVE_HUNDRED_CHUNKS).path("params"), BacktestParams.class);
        Object direct = InMemoryRun.run(new StrategyBacktestKind(), params, 1);
        assertThat(SimRunStack.read(result))
            .isEqualTo(SimRunStack.read(SimRunStack.JSON.writeValueAsBytes(direct)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(SimRunStack.read(result).path("leaderboard").size()).isEqualTo(CHUNKS);
      baseline = result;
    }
    return baseline;
  }
}
