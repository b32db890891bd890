package dev.simrun.shared.serviceauth;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * Checks the OIDC ID token a caller presents (Cloud Tasks' push, Cloud Scheduler's trigger): its
 * signature, issuer, audience, lifetime and account. A refusal is a value with a reason, never an
 * exception.
 */
public interface IdTokenVerifier {

  /**
   * Verifies {@code token} (the compact JWT, without {@code Bearer }); null or blank is missing.
   */
  Verification verify(@Nullable String token);

  /**
   * Fetches what verifying needs (the issuer's discovery document and keys) now rather than on the
   * first request, so that the first push does not wait for it. Failing here changes nothing: the
   * first verification tries again.
   */
  default void prefetch() {}

  /** What a verification found. */
  sealed interface Verification permits Verified, Rejected {}

  /**
   * The caller is who the token says.
   *
   * @param email the verified account, one of the allowed ones
   * @param subject the account's stable id ({@code sub})
   * @param expiresAt when the token expires
   */
  record Verified(String email, String subject, Instant expiresAt) implements Verification {}

  /** The token was refused; {@code detail} is for logs, not for the caller. */
  record Rejected(Reason reason, String detail) implements Verification {}

  /** Why a token was refused, and what kind of refusal that is. */
  enum Reason {
    MISSING(Refusal.UNAUTHENTICATED),
    MALFORMED(Refusal.UNAUTHENTICATED),
    BAD_SIGNATURE(Refusal.UNAUTHENTICATED),
    WRONG_ISSUER(Refusal.UNAUTHENTICATED),
    WRONG_AUDIENCE(Refusal.UNAUTHENTICATED),
    EXPIRED(Refusal.UNAUTHENTICATED),
    NOT_YET_VALID(Refusal.UNAUTHENTICATED),
    NO_VERIFIED_EMAIL(Refusal.UNAUTHENTICATED),
    /** A genuine token of an account that may not call. */
    ACCOUNT_NOT_ALLOWED(Refusal.FORBIDDEN),
    /** The signing keys could not be fetched: nothing is known about the token yet. */
    KEYS_UNAVAILABLE(Refusal.UNAVAILABLE);

    private final Refusal refusal;

    Reason(Refusal refusal) {
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /**
   * The three answers a caller can get: who are you (401), you may not (403), try again later
   * (503).
   */
  enum Refusal {
    UNAUTHENTICATED,
    FORBIDDEN,
    UNAVAILABLE
  }
}
