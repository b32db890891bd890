package dev.simrun.emulator.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The state of the emulated service: queues, tasks, reserved names, the global fault plan. One lock
 * guards it all; the operations on it ({@link QueueAdmin}, {@link TaskAdmin}, {@link Attempts},
 * {@link FaultsAndStats}) are short and run {@link #locked}, and HTTP delivery happens outside the
 * lock. Everything here but {@link #locked}, {@link #awaitChange}, {@link #signal} and {@link
 * #clock} expects the lock held.
 */
final class TaskQueues {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Clock clock;
  private final EmulatorSettings settings;
  final Map<String, QueueState> queues = new TreeMap<>();
  final Map<String, TaskState> tasks = new HashMap<>();

  /** Names of deleted or executed tasks, reserved until the instant given. */
  private final Map<String, Instant> reservedNames = new LinkedHashMap<>();

  private final SplittableRandom random;
  FaultPlan globalFaults;
  private long seq;

  /** Bumped on every change that may let dispatch proceed; see {@link #awaitChange}. */
  private long version;

  TaskQueues(EmulatorSettings settings) {
    this.settings = settings;
    this.clock = settings.clock();
    this.random = new SplittableRandom(settings.randomSeed());
    this.globalFaults = settings.faults();
  }

  Clock clock() {
    return clock;
  }

  EmulatorSettings settings() {
    return settings;
  }

  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- waiting

  /** Waits until the state moves past {@code seenVersion} or {@code maxNanos} pass. */
  void awaitChange(long seenVersion, long maxNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = maxNanos;
      while (version == seenVersion && left > 0) {
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  void signal() {
    locked(
        () -> {
          bump();
          return null;
        });
  }

  /** Tells whoever waits in {@link #awaitChange} that dispatch may proceed. */
  void bump() {
    assert lock.isHeldByCurrentThread();
    version++;
    changed.signalAll();
  }

  long version() {
    return version;
  }

  // ---------------------------------------------------------------- lookups and removal

  QueueState queue(String name) {
    assert lock.isHeldByCurrentThread();
    QueueState q = queues.get(name);
    if (q == null) {
      throw Names.notFound("Queue does not exist: " + name);
    }
    return q;
  }

  TaskState task(String name) {
    assert lock.isHeldByCurrentThread();
    TaskState t = tasks.get(name);
    if (t == null) {
      throw Names.notFound(
          "Task does not exist (it may have succeeded, failed permanently or been deleted): "
              + name);
    }
    return t;
  }

  void add(TaskState task) {
    assert lock.isHeldByCurrentThread();
    tasks.put(task.name, task);
    task.queue.tasks.put(task.name, task);
    task.queue.enqueue(task);
  }

  /** Takes the task away for good; its name stays reserved for a while. */
  void remove(TaskState task) {
    assert lock.isHeldByCurrentThread();
    task.gone = true;
    task.queue.unqueue(task);
    task.queue.tasks.remove(task.name);
    tasks.remove(task.name);
    reservedNames.remove(task.name);
    reservedNames.put(task.name, clock.instant().plus(settings.taskNameReservation()));
  }

  boolean isReserved(String name, Instant now) {
    Instant until = reservedNames.get(name);
    return until != null && until.isAfter(now);
  }

  void expireReservations(Instant now) {
    // Insertion order is expiry order (the reservation period is one value), so stop at the first
    // one still reserved.
    Iterator<Map.Entry<String, Instant>> it = reservedNames.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().isAfter(now)) {
        break;
      }
      it.remove();
    }
  }

  // ---------------------------------------------------------------- randomness and order

  long nextSeq() {
    return ++seq;
  }

  String generatedId() {
    return Long.toUnsignedString(random.nextLong() >>> 1);
  }

  boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
