package dev.simrun.kinds.forecast;

import dev.simrun.kinds.ChunkCancelledException;
import java.util.function.BooleanSupplier;

/** Waits that end early when the chunk is cancelled or the thread interrupted. */
final class Pause {

  /** The longest a pause sleeps between two checks of cancellation. */
  static final long SLICE_MILLIS = 50;

  private Pause() {}

  /**
   * Sleeps {@code millis}, in slices of at most {@value #SLICE_MILLIS} ms, asking {@code cancelled}
   * before each.
   *
   * @throws ChunkCancelledException once {@code cancelled} answers true
   * @throws InterruptedException when interrupted
   */
  static void sleep(long millis, BooleanSupplier cancelled) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      if (cancelled.getAsBoolean()) {
        throw new ChunkCancelledException();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Thread.sleep(Math.min(SLICE_MILLIS, (left + 999_999) / 1_000_000));
    }
  }
}
