package dev.simrun.api.identity;

import com.nimbusds.jose.jwk.KeyType;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.net.URI;

/**
 * One OIDC issuer whose ID tokens the api accepts ({@code simrun.identity.issuers.<name>.*}): a
 * token is accepted when its signature verifies against this issuer's JWKS, its {@code iss} is
 * {@code issuer} and its {@code aud} holds {@code audience}. In production: Identity Platform
 * (Firebase Authentication), {@code https://securetoken.google.com/<project>} with the project id
 * as audience; locally, the development issuer ./simrun starts.
 *
 * @param name the entry's name in the configuration (e.g. {@code primary})
 * @param issuer the exact {@code iss} of its tokens
 * @param jwksUrl where its public keys are published (http or https)
 * @param audience the {@code aud} its tokens must carry for SimRun
 * @param keyType the type of its signing keys, {@code RSA} (the default) or {@code EC}
 */
@EachProperty("simrun.identity.issuers")
public record TrustedIssuer(
    @Parameter String name,
    String issuer,
    String jwksUrl,
    String audience,
    @Nullable String keyType) {

  public TrustedIssuer {
    String at = "simrun.identity.issuers." + name;
    require(at + ".issuer", issuer);
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException(
          at
              + ".audience must be set (for Identity Platform: the project id, set"
              + " SIMRUN_IDENTITY_PROJECT)");
    }
    require(at + ".jwks-url", jwksUrl);
    if (!web(jwksUrl)) {
      throw new IllegalArgumentException(
          at + ".jwks-url must be an http or https URL, was " + jwksUrl);
    }
    if (keyType == null || keyType.isBlank()) {
      keyType = KeyType.RSA.getValue();
    }
    if (!keyType.equals(KeyType.RSA.getValue()) && !keyType.equals(KeyType.EC.getValue())) {
      throw new IllegalArgumentException(at + ".key-type must be RSA or EC, was " + keyType);
    }
    if (issuer.endsWith("/")) {
      throw new IllegalArgumentException(
          at + ".issuer must be the exact iss of the tokens, without a trailing /, was " + issuer);
    }
  }

  private static void require(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " must be set");
    }
  }

  private static boolean web(String url) {
    try {
      URI uri = URI.create(url);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
