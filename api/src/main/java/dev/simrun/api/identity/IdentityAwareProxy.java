package dev.simrun.api.identity;

import com.nimbusds.jwt.JWTParser;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.util.Optional;

/**
 * Sign-in behind Identity-Aware Proxy: when {@code simrun.identity.iap.audience} is set (the
 * audience IAP signs for this backend, e.g. {@code /projects/<number>/global/backendServices/<id>}
 * or {@code /projects/<number>/locations/<region>/services/<service>}), the signed {@code
 * X-Goog-IAP-JWT-Assertion} header signs a caller in. IAP is then one more trusted issuer ({@link
 * TrustedIssuers}): its ES256 signature is verified against IAP's published keys and its issuer,
 * audience and expiry checked like any other token's. The unsigned {@code
 * X-Goog-Authenticated-User-*} headers are never read.
 *
 * <p>This reader runs first, and takes the header only when the token in it names IAP as its
 * issuer: the header is IAP's, not another way to send any token.
 */
@Singleton
@Requires(property = "simrun.identity.iap.audience")
class IdentityAwareProxy implements TokenReader<HttpRequest<?>> {
  /** The {@code iss} of IAP's assertions. */
  static final String ISSUER = "https://cloud.google.com/iap";

  /** Where IAP publishes its keys, as a JWK set. */
  static final String JWKS = "https://www.gstatic.com/iap/verify/public_key-jwk";

  static final String HEADER = "x-goog-iap-jwt-assertion";

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

  private static boolean namesIap(String token) {
    try {
      return ISSUER.equals(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
    } catch (ParseException e) {
      return false;
    }
  }
}
