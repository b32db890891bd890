package dev.simrun.shared.serviceauth;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Which ID tokens a service accepts ({@code simrun.auth.*}): the OIDC tokens Cloud Tasks (or the
 * emulator) attaches to every push.
 *
 * @param issuer the tokens' {@code iss}; Google's {@code https://accounts.google.com} in
 *     production, the emulator's issuer locally. Its discovery document names the JWKS unless
 *     {@code jwksUri} is set.
 * @param audience the {@code aud} the tokens must carry: this service's own URL
 * @param allowedServiceAccounts the {@code email}s allowed to call, e.g. the tasks service account;
 *     a valid token of any other account is refused with 403
 * @param jwksUri where the signing keys are; when empty, the {@code jwks_uri} of {@code
 *     {issuer}/.well-known/openid-configuration}, fetched at the first verification
 * @param clockSkew tolerance on {@code exp}, {@code iat} and {@code nbf} (default 60 s)
 * @param connectTimeout connect timeout of the discovery and JWKS requests (default 2 s)
 * @param readTimeout read timeout of the discovery and JWKS requests (default 5 s)
 * @param jwksCacheTtl how long fetched keys are used before they are fetched again (default 5 min);
 *     a token with an unknown key id triggers an earlier, rate-limited refresh
 */
@ConfigurationProperties("simrun.auth")
public record AuthConfig(
    @Bindable(defaultValue = GOOGLE_ISSUER) @NotBlank String issuer,
    @NotBlank String audience,
    @NotEmpty List<String> allowedServiceAccounts,
    @Nullable URI jwksUri,
    @Bindable(defaultValue = "60s") @NotNull Duration clockSkew,
    @Bindable(defaultValue = "2s") @NotNull Duration connectTimeout,
    @Bindable(defaultValue = "5s") @NotNull Duration readTimeout,
    @Bindable(defaultValue = "5m") @NotNull Duration jwksCacheTtl,
    @Bindable(defaultValue = "false") boolean platformVerified) {

  /** The issuer of Google-signed ID tokens, Cloud Tasks' among them. */
  public static final String GOOGLE_ISSUER = "https://accounts.google.com";

  /** What Cloud Run puts in place of the signature of a token it verified. */
  public static final String SIGNATURE_REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE";

  public AuthConfig {
    allowedServiceAccounts = allowedServiceAccounts == null ? List.of() : allowedServiceAccounts;
    if (allowedServiceAccounts.stream().anyMatch(account -> account == null || account.isBlank())) {
      throw new IllegalArgumentException(
          "simrun.auth.allowed-service-accounts must list accounts without blank entries, was '"
              + String.join(",", allowedServiceAccounts)
              + "'");
    }
    Settings.notNegative("simrun.auth.clock-skew", clockSkew);
    Settings.positive("simrun.auth.connect-timeout", connectTimeout);
    Settings.positive("simrun.auth.read-timeout", readTimeout);
    Settings.positive("simrun.auth.jwks-cache-ttl", jwksCacheTtl);
  }
}
