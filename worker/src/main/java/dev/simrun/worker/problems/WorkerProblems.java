package dev.simrun.worker.problems;

import dev.simrun.problems.ProblemType;
import io.micronaut.http.HttpStatus;

/**
 * The problems only the worker answers, beside {@link dev.simrun.problems.ProblemTypes}. Cloud
 * Tasks retries every one of them; the status says how (5xx and 429 slow the queue down, 4xx do
 * not).
 */
public final class WorkerProblems {
  /** Another attempt holds a live lease on the chunk; retry later. */
  public static final ProblemType CHUNK_BUSY =
      ProblemType.of("chunk-busy", HttpStatus.CONFLICT, "Chunk is running elsewhere");

  /** This instance runs as many chunks as it may; nothing was claimed. Retry after a while. */
  public static final ProblemType WORKER_BUSY =
      ProblemType.of("worker-busy", HttpStatus.TOO_MANY_REQUESTS, "Worker at capacity");

  /** Finalize arrived before every chunk succeeded; retry later. */
  public static final ProblemType CHUNKS_OUTSTANDING =
      ProblemType.of("chunks-outstanding", HttpStatus.CONFLICT, "Chunks outstanding");

  /** The kind failed while running the chunk; the chunk was given back for a retry. */
  public static final ProblemType CHUNK_FAILED =
      ProblemType.of("chunk-failed", HttpStatus.INTERNAL_SERVER_ERROR, "Chunk failed");

  /** The kind failed while reducing the chunk results. */
  public static final ProblemType FINALIZE_FAILED =
      ProblemType.of("finalize-failed", HttpStatus.INTERNAL_SERVER_ERROR, "Finalize failed");

  /** The attempt ran past the hard time limit and was abandoned; the chunk was given back. */
  public static final ProblemType CHUNK_TIMED_OUT =
      ProblemType.of("chunk-timed-out", HttpStatus.SERVICE_UNAVAILABLE, "Chunk timed out");

  private WorkerProblems() {}
}
