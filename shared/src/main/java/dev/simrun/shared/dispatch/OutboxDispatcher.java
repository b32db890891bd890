package dev.simrun.shared.dispatch;

import dev.simrun.shared.config.TasksConfig;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns outbox rows into tasks: claims due rows in batches, creates their tasks with bounded
 * parallelism, deletes the rows that made it in one statement and puts the others back with a
 * delay. Safe to run in several processes at once.
 */
@Singleton
public class OutboxDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
  static final int BATCH = 500;
  static final Duration CLAIM = Duration.ofSeconds(30);

  private final OutboxStore outbox;
  private final TaskQueue queue;
  private final ObjectMapper json;
  private final int parallelism;
  private final Duration retryDelay;

  public OutboxDispatcher(
      OutboxStore outbox, TaskQueue queue, ObjectMapper json, TasksConfig config) {
    this.outbox = outbox;
    this.queue = queue;
    this.json = json;
    this.parallelism = config.dispatchParallelism();
    this.retryDelay = config.createRetryDelay();
  }

  /**
   * Dispatches every due row; returns how many tasks were created (or already existed). Walks the
   * outbox forward by id, then once more from the start for rows that became due again (a failed
   * CreateTask) or were released by another dispatcher.
   */
  public int drain() {
    int sent = 0;
    long after = 0;
    while (true) {
      List<OutboxRow> rows = outbox.claimDue(BATCH, CLAIM, after);
      if (rows.isEmpty()) {
        if (after == 0) {
          return sent; // nothing is due anywhere
        }
        after = 0; // once more from the start: rows due again, or released by others
        continue;
      }
      after = rows.getLast().id();
      sent += send(rows);
    }
  }

  /** Dispatches one row now if it is still there and unclaimed (a worker's finalize row). */
  public boolean dispatchNow(long outboxId) {
    List<OutboxRow> rows = outbox.claim(outboxId, CLAIM);
    return !rows.isEmpty() && send(rows) == 1;
  }

  private int send(List<OutboxRow> rows) {
    Semaphore slots = new Semaphore(parallelism);
    ConcurrentLinkedQueue<Long> done = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Failure> failed = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> all = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      slots.acquireUninterruptibly();
      CompletableFuture<Void> f;
      try {
        f = queue.create(spec(row));
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      all.add(
          f.whenComplete(
              (ok, error) -> {
                slots.release();
                if (error == null) {
                  done.add(row.id());
                } else {
                  failed.add(new Failure(row, error));
                }
              }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
    outbox.delete(done);
    for (Failure f : failed) {
      LOG.warn("CreateTask failed for {}; retrying in {}", f.row().taskId(), retryDelay, f.error());
      outbox.release(f.row().id(), String.valueOf(f.error()), retryDelay);
    }
    return done.size();
  }

  private record Failure(OutboxRow row, Throwable error) {}

  TaskQueue.TaskSpec spec(OutboxRow row) {
    Object payload =
        row.isChunk()
            ? new TaskPayloads.ChunkTask(row.simulationId(), row.chunkIndex(), row.generation())
            : new TaskPayloads.FinalizeTask(row.simulationId(), row.generation());
    try {
      return new TaskQueue.TaskSpec(
          row.queue(),
          row.taskId(),
          row.isChunk() ? TaskPayloads.CHUNK_PATH : TaskPayloads.FINALIZE_PATH,
          json.writeValueAsBytes(payload),
          row.trace() == null ? Map.of() : row.trace().headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
