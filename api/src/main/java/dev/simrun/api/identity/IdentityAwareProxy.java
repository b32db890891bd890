package dev.simrun.api.identity;

import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.JWTParser;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.util.Optional;

/**
 * Sign-in behind Identity-Aware Proxy: when {@code simrun.identity.iap.audience} is set (the
 * audience IAP signs for this backend, e.g. {@code /projects/<number>/global/backendServices/<id>}
 * or {@code /projects/<number>/locations/<region>/services/<service>}), the signed {@code
 * X-Goog-IAP-JWT-Assertion} header signs a caller in. Its ES256 signature is verified against IAP's
 * published keys, its issuer and audience checked, like any other token (a trusted issuer named
 * {@code iap}); the unsigned {@code X-Goog-Authenticated-User-*} headers are never read.
 */
@Factory
@Requires(property = "simrun.identity.iap.audience")
class IdentityAwareProxy {
  /** The {@code iss} of IAP's assertions. */
  static final String ISSUER = OperatorRoles.IAP_ISSUER;

  static final String HEADER = "x-goog-iap-jwt-assertion";

  /** IAP as one more trusted issuer: its keys verify only its own assertions. */
  @Bean
  @Singleton
  @Named("iap")
  TrustedIssuer iap(
      @Value("${simrun.identity.iap.audience}") String audience,
      @Value("${simrun.identity.iap.jwks-url:`https://www.gstatic.com/iap/verify/public_key-jwk`}")
          String jwksUrl) {
    return new TrustedIssuer("iap", ISSUER, jwksUrl, audience, KeyType.EC.getValue());
  }

  /**
   * Reads the assertion header, first of all readers. Only a token that names IAP as its issuer is
   * taken from it: the header is IAP's, not another way to send any token.
   */
  @Singleton
  TokenReader<HttpRequest<?>> assertionReader() {
    return new TokenReader<>() {
      @Override
      public Optional<String> findToken(HttpRequest<?> request) {
        return Optional.ofNullable(request.getHeaders().get(HEADER))
            .map(String::trim)
            .filter(IdentityAwareProxy::namesIap);
      }

      @Override
      public int getOrder() {
        return HIGHEST_PRECEDENCE;
      }
    };
  }

  private static boolean namesIap(String token) {
    try {
      return ISSUER.equals(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
    } catch (ParseException e) {
      return false;
    }
  }
}
