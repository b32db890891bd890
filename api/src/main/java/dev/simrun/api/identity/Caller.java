package dev.simrun.api.identity;

import java.util.regex.Pattern;

/** The owner on whose behalf a request runs; every read and write is scoped by it. */
public record Caller(String owner) {
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  public Caller {
    if (!valid(owner)) {
      throw new IllegalArgumentException("invalid owner " + owner);
    }
  }

  public static boolean valid(String owner) {
    return owner != null && OWNER.matcher(owner).matches();
  }
}
