package dev.simrun.api.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.security.token.jwt.nimbus.ReactiveJwksSignature;
import io.micronaut.security.token.jwt.signature.ReactiveSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwkSetFetcher;
import io.micronaut.security.token.jwt.signature.jwks.JwkValidator;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfiguration;
import java.text.ParseException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * One signature check per trusted issuer, done by Micronaut Security (JWKS fetched, cached and
 * matched by key id): the keys of an issuer verify only tokens that name that issuer, so with
 * several issuers configured one cannot sign tokens in another's name.
 */
@Factory
class IssuerSignatures {

  @EachBean(TrustedIssuer.class)
  ReactiveSignatureConfiguration<SignedJWT> signature(
      TrustedIssuer trusted, JwkValidator validator, JwkSetFetcher<JWKSet> fetcher) {
    ReactiveJwksSignature keys = new ReactiveJwksSignature(jwks(trusted), validator, fetcher);
    return new ReactiveSignatureConfiguration<>() {
      @Override
      public Publisher<Boolean> verify(SignedJWT token) {
        return issuedBy(token, trusted) ? keys.verify(token) : Mono.just(false);
      }
    };
  }

  private static boolean issuedBy(SignedJWT token, TrustedIssuer trusted) {
    try {
      return trusted.issuer().equals(token.getJWTClaimsSet().getIssuer());
    } catch (ParseException e) {
      return false;
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
