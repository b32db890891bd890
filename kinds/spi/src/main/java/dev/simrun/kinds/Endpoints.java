package dev.simrun.kinds;

import java.net.URI;
import java.time.Duration;

/**
 * External HTTP endpoints, as kinds call them (a forecast's model, say): post JSON, read the
 * answer. The platform implements it and so decides how calls leave the process and where they may
 * go ({@link #egress()}); a kind keeps its own policies around a call (what to retry, when to stop
 * calling). Outcomes say how an exchange ended in a fixed vocabulary, never in the words of an
 * exception or of what answered. Safe to call from many threads at once.
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

  /** The exchange failed: no connection, a failed TLS handshake, a reset, an answer not HTTP. */
  record Failed() implements Outcome {}

  /**
   * Nothing was sent: {@link #egress()} refuses the URL, or its host resolved to an address calls
   * may not reach.
   */
  record Refused() implements Outcome {}

  /**
   * Where calls may go. A kind checks its URLs against it when a simulation is submitted; {@link
   * #postJson} checks again, and the addresses the host resolves to.
   */
  Egress egress();

  /**
   * Posts {@code json} to {@code url} as {@code application/json}, asking for JSON back, and waits
   * for the answer: its status and at most {@code maxBodyBytes} of body, all within {@code
   * timeout}. The connection goes to an address the host resolved to that {@link #egress()} allows,
   * the very one checked. Redirects are answers, not followed.
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
        public Egress egress() {
          return Egress.STRICT;
        }

        @Override
        public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes) {
          throw new IllegalStateException("no endpoints in this run: cannot call " + url);
        }
      };
}
