package dev.simrun.emulator.common;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An emulator's OIDC issuer: mints the ID tokens a push with {@code oidc_token} carries (a Cloud
 * Tasks task, a Cloud Scheduler job), signed by a key made at start, and publishes the discovery
 * document and JWKS a receiver verifies them with, as it would verify Google's.
 */
public final class OidcIssuer {
  public static final String JWKS_PATH = "/oauth2/v3/certs";
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  public static final String SIGN_IN_PATH = "/dev/sign-in";

  /** The audience of development users' tokens: the local project, as Identity Platform's. */
  public static final String DEV_AUDIENCE = "simrun-local";

  private static final Duration LIFETIME = Duration.ofHours(1);

  /** A token is reused while younger than this; signing per push would cost a core at 2,000/s. */
  private static final Duration REUSE = Duration.ofMinutes(5);

  private final RSAKey key;
  private final RSASSASigner signer;
  private final Clock clock;
  private volatile String issuer;
  private final Map<String, Minted> cache = new ConcurrentHashMap<>();

  private record Minted(String token, Instant issuedAt) {}

  public OidcIssuer(Clock clock) {
    this.clock = clock;
    try {
      this.key =
          new RSAKeyGenerator(2048)
              .keyID(UUID.randomUUID().toString())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
      this.signer = new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot create the OIDC signing key", e);
    }
  }

  public void issuer(String issuer) {
    this.issuer = issuer;
  }

  public String issuer() {
    return issuer;
  }

  public String token(String audience, String serviceAccountEmail) {
    Instant now = clock.instant();
    String cacheKey = audience + '\n' + serviceAccountEmail;
    Minted minted = cache.get(cacheKey);
    if (minted == null
        || !minted.issuedAt().plus(REUSE).isAfter(now)
        || minted.issuedAt().isAfter(now)) {
      minted = new Minted(sign(audience, serviceAccountEmail, now), now);
      cache.put(cacheKey, minted);
    }
    return minted.token();
  }

  private String sign(String audience, String email, Instant now) {
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(email)
            .claim("email", email)
            .claim("email_verified", true)
            .claim("azp", email)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .build());
  }

  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(key.getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an OIDC token", e);
    }
    return jwt.serialize();
  }

  /**
   * A development user's ID token, shaped like an Identity Platform one: {@code sub} is the user
   * name, {@code aud} the local project, and {@code role} (when given) a claim for later checks.
   */
  public String userToken(String user, String role) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(DEV_AUDIENCE)
            .subject(user)
            .claim("name", user)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)));
    if (role != null) {
      claims.claim("role", role);
    }
    return sign(claims.build());
  }

  /**
   * The ID token of an email and password account ({@link IdentityToolkit}), shaped like Identity
   * Platform's: {@code sub} (and {@code user_id}) the account's stable id, {@code aud} the local
   * project, {@code email}, {@code email_verified}, and the {@code firebase} claim naming the
   * password provider.
   */
  public String accountToken(String localId, String email, boolean emailVerified) {
    Instant now = clock.instant();
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(DEV_AUDIENCE)
            .subject(localId)
            .claim("user_id", localId)
            .claim("email", email)
            .claim("email_verified", emailVerified)
            .claim("auth_time", now.getEpochSecond())
            .claim(
                "firebase",
                Map.of(
                    "identities",
                    Map.of("email", java.util.List.of(email)),
                    "sign_in_provider",
                    "password"))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .build());
  }

  /** How long the ID tokens of people live: one hour, as Identity Platform's. */
  public static Duration lifetime() {
    return LIFETIME;
  }

  public String jwksJson() {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  public String discoveryJson() {
    return "{\"issuer\":\""
        + issuer
        + "\",\"jwks_uri\":\""
        + issuer
        + JWKS_PATH
        + "\",\"response_types_supported\":[\"id_token\"],"
        + "\"subject_types_supported\":[\"public\"],"
        + "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
        + "\"claims_supported\":[\"aud\",\"email\",\"email_verified\",\"exp\",\"iat\",\"iss\",\"sub\"]}";
  }
}
