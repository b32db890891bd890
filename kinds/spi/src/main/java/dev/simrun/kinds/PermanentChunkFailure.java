package dev.simrun.kinds;

/**
 * Thrown by a kind's chunk when retrying cannot help (the input is wrong, not the weather): the
 * chunk goes straight to the dead letters instead of using up its attempts. Any other exception
 * counts as transient and is retried with the queue's backoff.
 */
public class PermanentChunkFailure extends RuntimeException {
  public PermanentChunkFailure(String message) {
    super(message);
  }

  public PermanentChunkFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
