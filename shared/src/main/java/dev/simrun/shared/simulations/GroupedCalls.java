package dev.simrun.shared.simulations;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Calls that many threads make at once, carried out together: a caller queues its item, and
 * whichever caller gets one of {@code runners} turns runs everything queued (at most {@code
 * maxBatch} items) in one go, its own item included; the others wait for their result. A caller
 * alone runs its item at once, so batching costs no latency; under load, one database round trip
 * carries many items (group commit).
 *
 * <p>A batch that fails is run again one item at a time, so that an error is its own item's and
 * never another's. A runner returns as soon as its own item is done and hands the turn to the
 * oldest waiting caller, so no caller runs other callers' batches for long.
 */
final class GroupedCalls<I, O> {
  /** A waiting caller re-checks at least this often; hand-overs normally wake it first. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final ConcurrentLinkedQueue<Call<I, O>> queue = new ConcurrentLinkedQueue<>();
  private final Semaphore runners;
  private final int maxBatch;
  private final Function<List<I>, List<O>> batch;

  /**
   * @param batch runs the items in one go and returns one result per item, in order
   */
  GroupedCalls(int runners, int maxBatch, Function<List<I>, List<O>> batch) {
    if (runners < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("runners and maxBatch must be positive");
    }
    this.runners = new Semaphore(runners);
    this.maxBatch = maxBatch;
    this.batch = batch;
  }

  private static final class Call<I, O> {
    final I item;
    final Thread caller = Thread.currentThread();
    volatile boolean done;
    O result;
    RuntimeException error;

    Call(I item) {
      this.item = item;
    }

    void succeed(O value) {
      result = value;
      done = true;
      LockSupport.unpark(caller);
    }

    void fail(RuntimeException e) {
      error = e;
      done = true;
      LockSupport.unpark(caller);
    }
  }

  /** Runs {@code item}, alone or with others queued meanwhile; returns its result. */
  O call(I item) {
    Call<I, O> me = new Call<>(item);
    queue.add(me);
    boolean interrupted = false;
    while (!me.done) {
      if (runners.tryAcquire()) {
        try {
          boolean ran;
          do {
            ran = runOnce();
          } while (!me.done && ran);
        } finally {
          runners.release();
        }
        handOver();
        if (me.done) {
          break;
        }
        // Another runner has taken this item and will wake this caller when it is done.
      }
      LockSupport.parkNanos(this, PARK_NANOS);
      // The item may be running: wait for it all the same, and keep the interrupt for later.
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (me.error != null) {
      throw me.error;
    }
    return me.result;
  }

  /** Wakes the oldest waiting caller, to take the turn just given back. */
  private void handOver() {
    Call<I, O> next = queue.peek();
    if (next != null) {
      LockSupport.unpark(next.caller);
    }
  }

  /** Runs one batch of what is queued; false when nothing was. */
  private boolean runOnce() {
    List<Call<I, O>> taken = new ArrayList<>();
    Call<I, O> c;
    while (taken.size() < maxBatch && (c = queue.poll()) != null) {
      taken.add(c);
    }
    if (taken.isEmpty()) {
      return false;
    }
    try {
      runAll(taken);
    } finally {
      for (Call<I, O> t : taken) {
        if (!t.done) {
          t.fail(new IllegalStateException("the batch this call was in broke off"));
        }
      }
    }
    return true;
  }

  private void runAll(List<Call<I, O>> taken) {
    List<O> results;
    try {
      results = batch.apply(taken.stream().map(t -> t.item).toList());
    } catch (RuntimeException e) {
      if (taken.size() == 1) {
        taken.getFirst().fail(e);
        return;
      }
      for (Call<I, O> one : taken) {
        try {
          one.succeed(batch.apply(List.of(one.item)).getFirst());
        } catch (RuntimeException alone) {
          one.fail(alone);
        }
      }
      return;
    }
    for (int i = 0; i < taken.size(); i++) {
      taken.get(i).succeed(results.get(i));
    }
  }
}
