package dev.simrun.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.SimRunStack;
import dev.simrun.shared.testing.PubSubEmulator;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Pub/Sub emulator killed in the middle of a 500-chunk run watched over SSE: the stream still
 * brings every durable event, once and in order, up to {@code simulation.succeeded}.
 */
@Tag("chaos")
class PubSubOutageChaosTest {

  @Test
  void aStreamGetsEveryDurableEventAfterPubSubDied() throws Exception {
    byte[] expected = ChaosStacks.baseline();
    ChaosReport report =
        new ChaosReport(
            "4-pubsub-outage",
            "Pub/Sub emulator killed mid-run, SSE client watching (1 run × 500 chunks)",
            "chunks_done at kill",
            "transient events before / after kill",
            "durable events on the stream",
            "ids 1..N contiguous",
            "kill → SUCCEEDED (ms)",
            "SUCCEEDED → stream closed (ms)",
            "run total (ms)",
            "identical");
    PubSubEmulator pubSub = PubSubEmulator.start();
    try (SimRunStack stack = ChaosStacks.chaosStack().pubSub(pubSub.host()).start()) {
      awaitLiveEvents(stack);
      long submitted = System.nanoTime();
      String id = stack.submit(ChaosStacks.FIVE_HUNDRED_CHUNKS);
      AtomicLong killedAt = new AtomicLong();
      AtomicInteger transientBefore = new AtomicInteger();
      AtomicInteger transientAfter = new AtomicInteger();
      CompletableFuture<List<SimRunStack.Sse>> stream =
          CompletableFuture.supplyAsync(
              () ->
                  stack.readStream(
                      "/api/v1/simulations/" + id + "/events",
                      Duration.ofMinutes(3),
                      e -> {
                        if (e.id() == null && !"snapshot".equals(e.event())) {
                          (killedAt.get() == 0 ? transientBefore : transientAfter)
                              .incrementAndGet();
                        }
                      }));
      // Pub/Sub dies once live events have reached the stream and a third of the chunks are done;
      // waiting for the event, not for a time, keeps this true on a slow machine.
      long doneAtKill;
      long giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while ((doneAtKill = ChaosChecks.chunksDone(stack, id)) < ChaosStacks.CHUNKS / 3
          || transientBefore.get() == 0) {
        assertThat(System.nanoTime()).as("live events before the kill").isLessThan(giveUp);
        Thread.sleep(5);
      }
      assertThat(doneAtKill)
          .as("Pub/Sub died while chunks were still running")
          .isLessThan(ChaosStacks.CHUNKS);
      pubSub.close();
      killedAt.set(System.nanoTime());
      byte[] result = stack.awaitResult(id, Duration.ofMinutes(2));
      long succeeded = System.nanoTime();
      long killToSucceeded = (succeeded - killedAt.get()) / 1_000_000;
      List<SimRunStack.Sse> events = stream.get(2, TimeUnit.MINUTES);
      long streamClosed = ChaosReport.millisSince(succeeded);
      List<Long> ids =
          events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
      long durable =
          stack.queryLong(
              "SELECT count(*) FROM simulation_events WHERE simulation_id = ?",
              UUID.fromString(id));
      List<Long> oneToN = LongStream.rangeClosed(1, durable).boxed().toList();
      report.row(
          doneAtKill,
          transientBefore.get() + " / " + transientAfter.get(),
          ids.size() + " of " + durable,
          ids.equals(oneToN) ? "yes" : "NO",
          killToSucceeded,
          streamClosed,
          ChaosReport.millisSince(submitted),
          Arrays.equals(result, expected) ? "yes" : "NO");

      assertThat(transientBefore.get())
          .as("live events flowed through Pub/Sub before it died")
          .isPositive();
      assertThat(ids).as("durable event ids on the stream").isEqualTo(oneToN);
      assertThat(events.getLast().event()).isEqualTo("simulation.succeeded");
      assertThat(durable).isEqualTo(ChaosStacks.CHUNKS + 3L);
      assertThat(result).isEqualTo(expected);
      ChaosChecks.succeededExactlyOnce(stack, id, ChaosStacks.CHUNKS);
    } finally {
      pubSub.close();
    }
  }

  /** Until the api's fresh subscription pulls, streams show only the log; wait for live events. */
  static void awaitLiveEvents(SimRunStack stack) {
    String small =
        """
        {"kind": "strategy-backtest", "name": "chaos warm-up",
         "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 20000, "seed": 7}},
                    "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30, 60]}},
         "chunking": {"unitsPerChunk": 1}}
        """;
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .until(
            () ->
                stack
                    .readStream(
                        "/api/v1/simulations/" + stack.submit(small) + "/events",
                        Duration.ofMinutes(1))
                    .stream()
                    .anyMatch(e -> "chunk.progress".equals(e.event())));
  }
}
