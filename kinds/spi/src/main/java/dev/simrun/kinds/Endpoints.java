package dev.simrun.kinds;

import java.net.URI;
import java.time.Duration;

/**
 * External HTTP endpoints, as kinds call them (a forecast's model, say): post JSON, read the
 * answer. The platform implements it and so decides how calls leave the process; a kind keeps its
 * own policies around a call (what to retry, when to stop calling). Safe to call from many threads
 * at once.
 */
public interface Endpoints {

  /** How one exchange ended. */
  sealed interface Outcome {}

  /** The endpoint answered, with any status: the status and the whole body. */
  record Answered(int status, byte[] body) implements Outcome {}

  /** There was no whole answer within the timeout; the exchange was abandoned. */
  record TimedOut() implements Outcome {}

  /** The answer's body went past the limit; the rest of it was not read. */
  record TooLarge() implements Outcome {}

  /** The exchange failed (refused, reset, not HTTP...): {@code error} says how. */
  record Failed(String error) implements Outcome {}

  /**
   * Posts {@code json} to {@code url} as {@code application/json}, asking for JSON back, and waits
   * for the answer: its status and at most {@code maxBodyBytes} of body, all within {@code
   * timeout}. Redirects are answers, not followed.
   *
   * @throws InterruptedException when the calling thread is interrupted, as a cancelled chunk's
   *     threads are: the exchange is abandoned
   */
  Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes)
      throws InterruptedException;

  /** No endpoints at all: for direct, in-memory runs of kinds that call none. */
  Endpoints NONE =
      new Endpoints() {
        @Override
        public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes) {
          throw new IllegalStateException("no endpoints in this run: cannot call " + url);
        }
      };
}
