package dev.simrun.shared.dispatch;

import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.simulations.SimulationStore.PendingTask;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the queue tasks of cancelled chunks in the background, with the dispatcher's bounded
 * parallelism: after a cancel has answered (api), after failFast failed a simulation (worker). Best
 * effort: a task that escapes finds its chunk CANCELLED and does nothing.
 */
@Singleton
public class TaskDeleter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskDeleter.class);

  private final TaskQueue queue;
  private final int parallelism;

  public TaskDeleter(TaskQueue queue, TasksConfig config) {
    this.queue = queue;
    this.parallelism = config.dispatchParallelism();
  }

  public void deleteLater(List<PendingTask> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    Thread.ofVirtual().name("task-deleter").start(() -> delete(tasks));
  }

  private void delete(List<PendingTask> tasks) {
    Semaphore slots = new Semaphore(parallelism);
    AtomicInteger failed = new AtomicInteger();
    for (PendingTask task : tasks) {
      slots.acquireUninterruptibly();
      queue
          .delete(task.queue(), task.taskId())
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                }
                slots.release();
              });
    }
    slots.acquireUninterruptibly(parallelism);
    if (failed.get() > 0) {
      LOG.warn(
          "{} of {} cancelled tasks not deleted; they will find nothing to do",
          failed,
          tasks.size());
    }
  }
}
