package dev.simrun.kinds;

/** Thrown by a kind's chunk when it noticed {@link ChunkContext#cancelled()} and stopped. */
public class ChunkCancelledException extends RuntimeException {
  public ChunkCancelledException() {
    super("the chunk was cancelled", null, false, false);
  }
}
