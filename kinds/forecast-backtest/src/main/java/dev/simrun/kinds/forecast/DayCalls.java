package dev.simrun.kinds.forecast;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The agents' calls of one day: each on its own thread of the chunk's pool, all at once, so a day
 * takes as long as its slowest agent; a failed agent is an outcome, not an exception. The chunk
 * waits for them asking whether it was cancelled, and a cancel interrupts the calls still running.
 */
final class DayCalls {

  /** How often a chunk waiting for its agents asks whether it was cancelled. */
  static final long AWAIT_SLICE_MILLIS = 50;

  private DayCalls() {}

  /**
   * Asks every agent for its prediction of day {@code day + 1} from {@code history}, in parallel on
   * {@code pool}, and waits for all of them.
   *
   * @throws ChunkCancelledException when the chunk is cancelled while it waits
   */
  static Outcome[] run(
      ExecutorService pool,
      List<AgentSpec> specs,
      List<Forecaster> agents,
      int day,
      double[] history,
      ChunkContext context) {
    BooleanSupplier cancelled = context::cancelled;
    List<Future<Outcome>> calls = new ArrayList<>(agents.size());
    for (int a = 0; a < agents.size(); a++) {
      AgentSpec spec = specs.get(a);
      Forecaster agent = agents.get(a);
      calls.add(pool.submit(() -> predict(spec, agent, day, history, cancelled)));
    }
    return await(calls, context);
  }

  /** One agent's answer for one day: a prediction, or why there is none. */
  record Outcome(Double prediction, String failure) {}

  private static Outcome predict(
      AgentSpec spec, Forecaster agent, long day, double[] history, BooleanSupplier cancelled)
      throws InterruptedException {
    if (spec.latencyMs() > 0) {
      Pause.sleep(spec.latencyMs(), cancelled);
    }
    try {
      double prediction = agent.predict(day, history);
      return Double.isFinite(prediction)
          ? new Outcome(prediction, null)
          : new Outcome(null, "prediction is not a finite number");
    } catch (AgentFailure e) {
      return new Outcome(null, e.getMessage());
    }
  }

  /**
   * Waits for every call of a day, asking {@link ChunkContext#cancelled()} every {@value
   * #AWAIT_SLICE_MILLIS} ms; on any way out but success the calls still running are interrupted.
   */
  private static Outcome[] await(List<Future<Outcome>> calls, ChunkContext context) {
    Outcome[] outcomes = new Outcome[calls.size()];
    boolean complete = false;
    try {
      for (int i = 0; i < calls.size(); i++) {
        while (outcomes[i] == null) {
          try {
            outcomes[i] = calls.get(i).get(AWAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            if (context.cancelled()) {
              throw new ChunkCancelledException();
            }
          }
        }
      }
      complete = true;
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChunkCancelledException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("an agent failed", e.getCause());
    } finally {
      if (!complete) {
        calls.forEach(call -> call.cancel(true));
      }
    }
  }
}
