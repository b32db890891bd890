package dev.simrun.api.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A token's {@code iss} must be a trusted issuer and its {@code aud} must hold that issuer's
 * audience. Micronaut Security checks the signature, expiry and not-before before and beside it.
 */
@Singleton
class TrustedIssuerClaims<T> implements GenericJwtClaimsValidator<T> {
  private final Map<String, TrustedIssuer> byIssuer;

  TrustedIssuerClaims(TrustedIssuers issuers) {
    this.byIssuer =
        issuers.all().stream()
            .collect(Collectors.toMap(TrustedIssuer::issuer, Function.identity(), (a, b) -> a));
  }

  @Override
  public boolean validate(Claims claims, @Nullable T request) {
    Object iss = claims.get(Claims.ISSUER);
    TrustedIssuer trusted = iss instanceof String s ? byIssuer.get(s) : null;
    if (trusted == null) {
      return false;
    }
    Object sub = claims.get(Claims.SUBJECT);
    if (!(sub instanceof String s) || s.isBlank()) {
      return false;
    }
    Object aud = claims.get(Claims.AUDIENCE);
    if (aud instanceof String one) {
      return one.equals(trusted.audience());
    }
    return aud instanceof Collection<?> many && many.contains(trusted.audience());
  }
}
