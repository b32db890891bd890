package dev.simrun.api.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.security.token.jwt.nimbus.ReactiveJwksSignature;
import io.micronaut.security.token.jwt.signature.ReactiveSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwkSetFetcher;
import io.micronaut.security.token.jwt.signature.jwks.JwkValidator;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfiguration;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.util.Map;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The signature check of every trusted issuer, done by Micronaut Security (JWKS fetched, cached and
 * matched by key id): a token is checked against the keys of the issuer it names, and only those,
 * so with several issuers configured one cannot sign tokens in another's name. One bean over all
 * issuers, built from the same {@link TrustedIssuers} that {@link TrustedIssuerClaims} checks
 * claims against.
 */
@Singleton
class IssuerSignatures implements ReactiveSignatureConfiguration<SignedJWT> {
  private final Map<String, ReactiveJwksSignature> byIssuer;

  IssuerSignatures(TrustedIssuers issuers, JwkValidator validator, JwkSetFetcher<JWKSet> fetcher) {
    this.byIssuer =
        issuers.all().stream()
            .collect(
                Collectors.toMap(
                    TrustedIssuer::issuer,
                    t -> new ReactiveJwksSignature(jwks(t), validator, fetcher),
                    (a, b) -> a));
  }

  @Override
  public Publisher<Boolean> verify(SignedJWT token) {
    ReactiveJwksSignature keys = byIssuer.get(issuer(token));
    return keys == null ? Mono.just(false) : keys.verify(token);
  }

  private static String issuer(SignedJWT token) {
    try {
      return token.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      return null;
    }
  }

  private static JwksSignatureConfiguration jwks(TrustedIssuer trusted) {
    return new JwksSignatureConfiguration() {
      @Override
      public String getName() {
        return "simrun-" + trusted.name();
      }

      @Override
      public String getUrl() {
        return trusted.jwksUrl();
      }

      @Override
      public KeyType getKeyType() {
        return KeyType.parse(trusted.keyType());
      }

      // Abstract in this release, though deprecated: the key cache's lifetime is the fetcher's.
      @Override
      @SuppressWarnings("removal")
      public Integer getCacheExpiration() {
        return 60;
      }
    };
  }
}
