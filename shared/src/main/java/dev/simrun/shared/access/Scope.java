package dev.simrun.shared.access;

import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * Whose rows a store method may read or change: one owner's, or, for an operator, everyone's. A
 * type rather than a nullable owner, so that "every owner" is always something a caller asked for
 * by name and never a forgotten argument.
 */
public sealed interface Scope {

  /** The rows of {@code owner} only. */
  static Scope owner(String owner) {
    return new Owner(owner);
  }

  /** Every owner's rows: an operator's view. */
  static Scope everyone() {
    return Everyone.INSTANCE;
  }

  /** One owner's rows. */
  record Owner(String owner) implements Scope {
    public Owner {
      if (owner == null || owner.isBlank()) {
        throw new IllegalArgumentException("an owner scope needs an owner");
      }
    }
  }

  /** Every owner's rows. */
  enum Everyone implements Scope {
    INSTANCE
  }

  /**
   * A SQL condition for this scope on {@code column}, {@code TRUE} for everyone, and adds its
   * parameter (if any) to {@code params}.
   */
  default String where(String column, List<Object> params) {
    return switch (this) {
      case Owner o -> {
        params.add(o.owner());
        yield column + " = ?";
      }
      case Everyone e -> "TRUE";
    };
  }

  /** The owner this scope narrows to, or null for everyone. */
  @Nullable
  default String ownerOrNull() {
    return this instanceof Owner o ? o.owner() : null;
  }
}
