package dev.simrun.api.identity;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.DefaultRolesFinder;
import io.micronaut.security.token.RolesFinder;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The roles of a verified token, for the security rules: {@code operator} when {@link Operators}
 * says so, none otherwise. Replaces the library's default, which would take whatever a {@code
 * roles} claim lists.
 */
@Singleton
@Replaces(DefaultRolesFinder.class)
class OperatorRoles implements RolesFinder {
  /** Identity-Aware Proxy's tokens carry emails Google verified, without {@code email_verified}. */
  static final String IAP_ISSUER = IdentityAwareProxy.ISSUER;

  private final Operators operators;

  OperatorRoles(Operators operators) {
    this.operators = operators;
  }

  @Override
  public List<String> resolveRoles(Map<String, Object> claims) {
    return operator(claims) ? List.of(Operators.ROLE) : List.of();
  }

  private boolean operator(Map<String, Object> claims) {
    String claim = operators.getClaim();
    if (claim != null && !claim.isBlank() && holdsOperator(claims.get(claim))) {
      return true;
    }
    if (claims.get(Claims.ISSUER) instanceof String iss
        && claims.get(Claims.SUBJECT) instanceof String sub
        && operators.getOwners().contains(Caller.of(iss, sub).owner())) {
      return true;
    }
    return verifiedEmail(claims) instanceof String email && operators.getEmails().contains(email);
  }

  private static boolean holdsOperator(Object value) {
    return Operators.ROLE.equals(value)
        || (value instanceof Collection<?> many && many.contains(Operators.ROLE));
  }

  private static String verifiedEmail(Map<String, Object> claims) {
    if (!(claims.get("email") instanceof String email)) {
      return null;
    }
    boolean verified =
        Boolean.TRUE.equals(claims.get("email_verified"))
            || "true".equals(claims.get("email_verified"))
            || IAP_ISSUER.equals(claims.get(Claims.ISSUER));
    return verified ? email.toLowerCase(Locale.ROOT) : null;
  }
}
