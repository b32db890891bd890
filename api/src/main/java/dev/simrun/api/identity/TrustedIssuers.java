package dev.simrun.api.identity;

import com.nimbusds.jose.jwk.KeyType;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Every issuer whose tokens the api accepts: the configured ones ({@code
 * simrun.identity.issuers.*}) and, when {@code simrun.identity.iap.audience} is set, Identity-Aware
 * Proxy ({@link IdentityAwareProxy}). The signature and claim checks both read this one list, so
 * they always agree on who is trusted.
 */
@Singleton
public class TrustedIssuers {
  private final List<TrustedIssuer> all;

  TrustedIssuers(
      List<TrustedIssuer> configured,
      @Value("${simrun.identity.iap.audience:}") @Nullable String iapAudience,
      @Value("${simrun.identity.iap.jwks-url:`" + IdentityAwareProxy.JWKS + "`}") String iapJwks) {
    List<TrustedIssuer> issuers = new ArrayList<>(configured);
    if (iapAudience != null && !iapAudience.isBlank()) {
      issuers.add(
          new TrustedIssuer(
              "iap", IdentityAwareProxy.ISSUER, iapJwks, iapAudience, KeyType.EC.getValue()));
    }
    this.all = List.copyOf(issuers);
  }

  public List<TrustedIssuer> all() {
    return all;
  }
}
