package dev.simrun.worker.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named gates a {@link SumKind} chunk waits at until the test opens them: how a test holds a chunk
 * mid-run without sleeping. Every wait ends (30 s).
 */
public final class Gates {
  private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

  private record Gate(CountDownLatch open, AtomicInteger waiting) {}

  private Gates() {}

  private static Gate gate(String name) {
    return GATES.computeIfAbsent(name, n -> new Gate(new CountDownLatch(1), new AtomicInteger()));
  }

  static void pass(String name) {
    Gate g = gate(name);
    g.waiting().incrementAndGet();
    try {
      if (!g.open().await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate " + name + " was never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted at gate " + name, e);
    } finally {
      g.waiting().decrementAndGet();
    }
  }

  /** How many chunks are waiting at the gate now. */
  public static int waiting(String name) {
    return gate(name).waiting().get();
  }

  public static void open(String name) {
    gate(name).open().countDown();
  }
}
