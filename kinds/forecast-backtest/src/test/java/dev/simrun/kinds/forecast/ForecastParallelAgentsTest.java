package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The agents of one day run at once; slow agents stop when the chunk is cancelled. */
class ForecastParallelAgentsTest {

  private static ForecastParams slow(int latencyMs) {
    return ForecastFixtures.params(
        ForecastFixtures.synthetic(40, 3),
        28,
        37,
        28,
        List.of(
            agent("naive").latencyMs(latencyMs).build(),
            agent("seasonal-naive").period(7).latencyMs(latencyMs).build(),
            agent("moving-average").window(7).latencyMs(latencyMs).build(),
            agent("holt").alpha(0.3).beta(0.1).latencyMs(latencyMs).build(),
            agent("ar").order(2).latencyMs(latencyMs).build()),
        null);
  }

  /**
   * A context that sees each agent enter its latency pause: a pause first asks whether the chunk
   * was cancelled, from the agent's own thread. The chunk's thread asks too; it is not an agent.
   */
  private static final class PauseWatch implements ChunkContext {
    final List<Map<String, Object>> details = Collections.synchronizedList(new ArrayList<>());
    private final Thread chunk = Thread.currentThread();
    private final Set<Thread> agents = ConcurrentHashMap.newKeySet();
    private final IntConsumer onPause;
    private volatile boolean cancelled;

    /** {@code onPause} gets how many agents have entered a pause so far, this one included. */
    PauseWatch(IntConsumer onPause) {
      this.onPause = onPause;
    }

    int pausedAgents() {
      return agents.size();
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public boolean cancelled() {
      Thread caller = Thread.currentThread();
      if (caller != chunk && agents.add(caller)) {
        onPause.accept(agents.size());
      }
      return cancelled;
    }

    @Override
    public void progress(double fractionDone, Map<String, Object> details) {
      this.details.add(details);
    }
  }

  @Test
  void theAgentsOfADayRunAtOnce() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    // Each agent, once in its pause, waits until all five of its day are in theirs. Run one after
    // another, the first would wait alone until the barrier gave up on it.
    CyclicBarrier allFive = new CyclicBarrier(5);
    AtomicInteger apart = new AtomicInteger();
    PauseWatch context =
        new PauseWatch(
            n -> {
              try {
                allFive.await(30, TimeUnit.SECONDS);
              } catch (BrokenBarrierException | TimeoutException e) {
                apart.incrementAndGet();
              } catch (InterruptedException e) {
                apart.incrementAndGet();
                Thread.currentThread().interrupt();
              }
            });
    long started = System.nanoTime();
    ForecastChunkResult chunk = kind.runChunk(slow(300), new UnitRange(0, 2), context);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(apart).as("agents that waited for the others in vain").hasValue(0);
    assertThat(context.pausedAgents()).isEqualTo(2 * 5);
    assertThat(chunk.days()).hasSize(2);
    // The latency is honoured: each of the two days waits at least 300 ms.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    // Latency changes nothing but time.
    assertThat(chunk).isEqualTo(kind.runChunk(slow(0), new UnitRange(0, 2), ChunkContext.NONE));
  }

  @Test
  void cancellingStopsTheWaitingAgents() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    int latencyMs = ForecastBacktestKind.MAX_LATENCY_MS;
    // Cancelled once all five agents of the first day are in their pause (or after 30 s, should
    // they never all be: then the assertions below fail instead of the test hanging).
    CountDownLatch allPaused = new CountDownLatch(5);
    PauseWatch context = new PauseWatch(n -> allPaused.countDown());
    CompletableFuture.runAsync(
        () -> {
          try {
            allPaused.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          context.cancel();
        });
    long started = System.nanoTime();
    assertThatThrownBy(() -> kind.runChunk(slow(latencyMs), new UnitRange(0, 10), context))
        .isInstanceOf(ChunkCancelledException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(context.pausedAgents()).as("all five paused, no second day began").isEqualTo(5);
    assertThat(context.details).as("no day finished").isEmpty();
    // The chunk returns only after its agents have ended; had they slept out their pause, that
    // would have taken the whole latency.
    assertThat(took).isLessThan(Duration.ofMillis(latencyMs));
  }

  @Test
  void aDayWaitsForItsSlowestAgent() {
    ForecastBacktestKind kind = ForecastFixtures.kind();
    assertThat(kind.unitCost(slow(2_500)).waitNanos()).isEqualTo(2_500_000_000L);
    assertThat(kind.unitCost(ForecastFixtures.builtIns()).waitNanos()).isZero();
    assertThat(kind.unitCost(ForecastFixtures.builtIns()).cpuNanos()).isPositive();
  }
}
