package dev.simrun.api.identity;

import dev.simrun.shared.access.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The owner on whose behalf a request runs; every read and write is scoped by it. {@code operator}
 * when the caller's token makes them one ({@link Operators}): only operator routes look at it.
 */
public record Caller(String owner, boolean operator) {
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  public Caller {
    if (!valid(owner)) {
      throw new IllegalArgumentException("invalid owner " + owner);
    }
  }

  public static boolean valid(String owner) {
    return owner != null && OWNER.matcher(owner).matches();
  }

  /**
   * The caller a verified token names: its stable subject, the issuer and {@code sub} together
   * (decision 0024). The owner is {@code u-} and the first 160 bits of SHA-256 over {@code
   * <issuer>#<sub>}, base64url: the same person gets the same owner at every sign-in, the same
   * {@code sub} from two issuers gives two owners, and the owner fits a log line, a URL and the
   * {@code owner} columns whatever the issuer's URL or the length of its subjects.
   */
  public static Caller of(String issuer, String subject) {
    return of(issuer, subject, false);
  }

  /** {@link #of(String, String)}, an operator or not. */
  public static Caller of(String issuer, String subject, boolean operator) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((issuer + "#" + subject).getBytes(StandardCharsets.UTF_8));
      byte[] first = new byte[20];
      System.arraycopy(digest, 0, first, 0, first.length);
      return new Caller(
          "u-" + Base64.getUrlEncoder().withoutPadding().encodeToString(first), operator);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** This caller's own rows. */
  public Scope own() {
    return Scope.owner(owner);
  }
}
