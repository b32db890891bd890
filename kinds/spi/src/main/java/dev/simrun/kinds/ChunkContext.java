package dev.simrun.kinds;

import java.util.Map;
import java.util.Optional;

/** What a running chunk may tell and ask the pipeline. */
public interface ChunkContext {

  /**
   * Reports progress: the fraction of the chunk done (0..1) and kind-specific fields such as the
   * current day or partial metrics. Cheap to call often; the pipeline throttles what it publishes.
   */
  void progress(double fractionDone, Map<String, Object> details);

  /**
   * True once the chunk should stop (the simulation was cancelled, or the attempt ran past its soft
   * time limit): throw {@link ChunkCancelledException} then. Check every few units.
   */
  boolean cancelled();

  /**
   * The state an earlier attempt of this chunk saved with {@link #saveCheckpoint}, read as {@code
   * type}; empty on a first attempt. A kind that resumes from it must produce the same result as a
   * run from the start.
   */
  default <T> Optional<T> checkpoint(Class<T> type) {
    return Optional.empty();
  }

  /**
   * Saves how far the chunk got (a {@code @Serdeable} record, e.g. the next unit and the running
   * totals), so that a retry after a crash resumes there instead of starting over. Cheap to call
   * often: at most one save per progress interval is written.
   */
  default void saveCheckpoint(Object state) {}

  /** A context that ignores progress and is never cancelled: for direct, in-memory runs. */
  ChunkContext NONE =
      new ChunkContext() {
        @Override
        public void progress(double fractionDone, Map<String, Object> details) {}

        @Override
        public boolean cancelled() {
          return false;
        }
      };
}
