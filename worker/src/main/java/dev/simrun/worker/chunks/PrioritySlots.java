package dev.simrun.worker.chunks;

import dev.simrun.shared.simulations.Priority;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed number of slots shared by interactive and batch chunks, with a bounded waiting room.
 *
 * <p>A chunk takes a free slot at once. When none is free it waits, at most {@code maxWait} and
 * behind at most {@code waitingLimit} others, and the slot that frees next goes to a waiting
 * interactive chunk first, except that while both priorities wait at least {@code batchShare} of
 * the slots handed out go to batch chunks: people go first, and a full batch backlog still moves. A
 * chunk that finds the waiting room full, or waits past {@code maxWait}, is refused.
 *
 * <p>The waiting room is why a slot never idles while a chunk that could use it exists: Cloud Tasks
 * cannot order work across queues, so both priorities' queues may push up to the slots each, and
 * the pushes that find every slot busy wait here instead of being refused and retried later.
 */
final class PrioritySlots {
  private final int limit;
  private final int waitingLimit;
  private final double batchShare;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> interactive = new ArrayDeque<>();
  private final ArrayDeque<Waiter> batch = new ArrayDeque<>();
  private int running;
  private double batchCredit;

  PrioritySlots(int limit, int waitingLimit, double batchShare) {
    if (limit < 1 || waitingLimit < 0 || !(batchShare > 0 && batchShare <= 1)) {
      throw new IllegalArgumentException(
          "limit " + limit + ", waiting " + waitingLimit + ", batch share " + batchShare);
    }
    this.limit = limit;
    this.waitingLimit = waitingLimit;
    this.batchShare = batchShare;
  }

  private static final class Waiter {
    final Condition turn;
    boolean granted;

    Waiter(Condition turn) {
      this.turn = turn;
    }
  }

  /**
   * A slot for a chunk of {@code priority}, waiting up to {@code maxWait} for one; empty when the
   * waiting room is full or the wait ran out. Call {@link #release()} once per slot granted.
   */
  Optional<Duration> acquire(Priority priority, Duration maxWait) throws InterruptedException {
    long start = System.nanoTime();
    lock.lock();
    try {
      if (running < limit && interactive.isEmpty() && batch.isEmpty()) {
        running++;
        return Optional.of(Duration.ZERO);
      }
      if (interactive.size() + batch.size() >= waitingLimit || !maxWait.isPositive()) {
        return Optional.empty();
      }
      Waiter me = new Waiter(lock.newCondition());
      ArrayDeque<Waiter> line = priority == Priority.BATCH ? batch : interactive;
      line.addLast(me);
      long left = maxWait.toNanos();
      try {
        while (!me.granted && left > 0) {
          left = me.turn.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        if (!me.granted) {
          line.remove(me);
          throw e;
        }
        Thread.currentThread().interrupt();
      }
      if (!me.granted) {
        line.remove(me);
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos(System.nanoTime() - start));
    } finally {
      lock.unlock();
    }
  }

  /** Gives a slot back: to the waiter whose turn it is, or to the free slots. */
  void release() {
    lock.lock();
    try {
      Waiter next = next();
      if (next == null) {
        running--;
      } else {
        next.granted = true; // the slot passes on without ever being free
        next.turn.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whose turn it is: interactive first, batch whenever its share of contended turns is due. */
  private Waiter next() {
    if (batch.isEmpty()) {
      return interactive.pollFirst();
    }
    if (interactive.isEmpty()) {
      return batch.pollFirst();
    }
    batchCredit += batchShare;
    if (batchCredit >= 1 - 1e-9) { // sums of shares such as 0.1 fall a hair short of 1
      batchCredit -= 1;
      return batch.pollFirst();
    }
    return interactive.pollFirst();
  }

  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  int waiting() {
    lock.lock();
    try {
      return interactive.size() + batch.size();
    } finally {
      lock.unlock();
    }
  }

  int limit() {
    return limit;
  }
}
