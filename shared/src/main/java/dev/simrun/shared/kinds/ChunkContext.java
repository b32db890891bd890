package dev.simrun.shared.kinds;

import java.util.Map;

/** What a running chunk may tell and ask the pipeline. */
public interface ChunkContext {

  /**
   * Reports progress: the fraction of the chunk done (0..1) and kind-specific fields such as the
   * current day or partial metrics. Cheap to call often; the pipeline throttles what it publishes.
   */
  void progress(double fractionDone, Map<String, Object> details);

  /** True once the chunk should stop (the simulation was cancelled); check every few units. */
  boolean cancelled();

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
