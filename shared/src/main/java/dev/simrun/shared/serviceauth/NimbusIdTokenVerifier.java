package dev.simrun.shared.serviceauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link IdTokenVerifier} with nimbus-jose-jwt: an RS256 signature by one of the issuer's keys
 * (fetched with timeouts, cached), then {@code iss}, {@code aud}, {@code exp}/{@code iat}/{@code
 * nbf} against the injected clock with a small skew, a verified {@code email}, and that email in
 * the allowed list. Behind Cloud Run's invoker check ({@link AuthConfig#platformVerified()}) a
 * token whose signature Google removed is trusted for its signature and checked for the rest.
 *
 * <p>A token that passed is remembered, by its exact text, for as long as the keys that verified it
 * ({@link AuthConfig#jwksCacheTtl()}): Cloud Tasks pushes the same token for up to an hour, and
 * checking its RSA signature on every push cost a third of a worker's CPU on no-op chunks. Its
 * lifetime is still checked against the clock on every use.
 */
@Singleton
public class NimbusIdTokenVerifier implements IdTokenVerifier {
  private final AuthConfig config;
  private final Clock clock;
  private final SigningKeys keys;
  private final Set<String> issuers;
  private final Set<String> allowed;
  private final Cache<String, Verified> verified;

  public NimbusIdTokenVerifier(AuthConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.keys = new SigningKeys(config, clock);
    // Google signs ID tokens with either spelling of its issuer (OpenID Connect guide, "Validate
    // an ID token"); any other issuer must match exactly.
    this.issuers =
        config.issuer().equals(AuthConfig.GOOGLE_ISSUER)
            ? Set.of(AuthConfig.GOOGLE_ISSUER, "accounts.google.com")
            : Set.of(config.issuer());
    this.allowed =
        config.allowedServiceAccounts().stream()
            .map(String::strip)
            .map(s -> s.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(VERIFIED_TOKENS)
            .expireAfterWrite(config.jwksCacheTtl())
            .build();
  }

  /** Distinct callers' tokens remembered at once; a handful are live at any time. */
  static final int VERIFIED_TOKENS = 1_000;

  @Override
  public void prefetch() {
    keys.prefetch();
  }

  @Override
  public Verification verify(@Nullable String token) {
    if (token == null || token.isBlank()) {
      return rejected(Reason.MISSING, "no bearer token");
    }
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      return stillValid(known);
    }
    Verification verification = verifySignatureAndClaims(token);
    if (verification instanceof Verified caller) {
      verified.put(token, caller);
    }
    return verification;
  }

  private Verification stillValid(Verified caller) {
    Instant now = clock.instant();
    if (!caller.expiresAt().plus(config.clockSkew()).isAfter(now)) {
      return rejected(Reason.EXPIRED, "expired at " + caller.expiresAt() + ", now " + now);
    }
    return caller;
  }

  private Verification verifySignatureAndClaims(String token) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token.strip());
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return rejected(Reason.MALFORMED, "not a signed JWT: " + e.getMessage());
    }
    if (token.strip().endsWith("." + AuthConfig.SIGNATURE_REMOVED)) {
      if (!config.platformVerified()) {
        return rejected(
            Reason.BAD_SIGNATURE,
            "the signature was removed by Google; behind Cloud Run's invoker check set"
                + " simrun.auth.platform-verified=true");
      }
      if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
        return rejected(Reason.BAD_SIGNATURE, "alg " + jwt.getHeader().getAlgorithm());
      }
      return checkClaims(claims);
    }
    try {
      keys.processor().process(jwt, null);
    } catch (SigningKeys.Unavailable e) {
      return rejected(Reason.KEYS_UNAVAILABLE, e.getMessage());
    } catch (RateLimitReachedException e) {
      // An unknown key id right after the keys were fetched: not a key of the issuer's.
      return rejected(Reason.BAD_SIGNATURE, "no key " + jwt.getHeader().getKeyID());
    } catch (KeySourceException e) {
      return rejected(Reason.KEYS_UNAVAILABLE, "cannot fetch the signing keys: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      return rejected(Reason.BAD_SIGNATURE, e.getMessage());
    }
    return checkClaims(claims);
  }

  private Verification checkClaims(JWTClaimsSet claims) {
    if (!issuers.contains(claims.getIssuer())) {
      return rejected(Reason.WRONG_ISSUER, "iss " + claims.getIssuer());
    }
    List<String> audience = claims.getAudience();
    if (!audience.contains(config.audience())) {
      return rejected(Reason.WRONG_AUDIENCE, "aud " + audience);
    }
    Instant now = clock.instant();
    Duration skew = config.clockSkew();
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      return rejected(Reason.MALFORMED, "exp and iat are required");
    }
    if (!exp.toInstant().plus(skew).isAfter(now)) {
      return rejected(Reason.EXPIRED, "expired at " + exp.toInstant() + ", now " + now);
    }
    if (iat.toInstant().minus(skew).isAfter(now)) {
      return rejected(Reason.NOT_YET_VALID, "issued at " + iat.toInstant() + ", now " + now);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().minus(skew).isAfter(now)) {
      return rejected(Reason.NOT_YET_VALID, "not before " + nbf.toInstant() + ", now " + now);
    }
    Object email = claims.getClaim("email");
    Object verified = claims.getClaim("email_verified");
    // Older Google tokens carry email_verified as the string "true".
    if (!(email instanceof String address)
        || !(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
      return rejected(Reason.NO_VERIFIED_EMAIL, "email " + email + ", verified " + verified);
    }
    if (!allowed.contains(address.toLowerCase(Locale.ROOT))) {
      return rejected(Reason.ACCOUNT_NOT_ALLOWED, address + " may not call");
    }
    return new Verified(address, claims.getSubject(), exp.toInstant());
  }

  private static Rejected rejected(Reason reason, String detail) {
    return new Rejected(reason, detail);
  }
}
