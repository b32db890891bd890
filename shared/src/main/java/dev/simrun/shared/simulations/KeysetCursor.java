package dev.simrun.shared.simulations;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position in a list ordered newest first: the last item's creation time and id, handed to
 * callers as an opaque string.
 */
public record KeysetCursor(Instant createdAt, UUID id) {

  public String encode() {
    String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws InvalidCursorException when {@code cursor} is not one {@link #encode} made
   */
  public static KeysetCursor decode(String cursor) {
    try {
      String[] p =
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
      return new KeysetCursor(
          Instant.ofEpochSecond(Long.parseLong(p[0]), Long.parseLong(p[1])), UUID.fromString(p[2]));
    } catch (RuntimeException e) {
      throw new InvalidCursorException(cursor);
    }
  }

  /** A {@code cursor} that no page handed out. */
  public static final class InvalidCursorException extends RuntimeException {
    public InvalidCursorException(String cursor) {
      super("cursor '" + cursor + "' is not one this service handed out");
    }
  }
}
