package dev.simrun.shared.serviceauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Test-data builder for ID tokens shaped like Google's: {@code aToken(now).signedWith(key)}. */
final class TestTokens {
  static final String AUDIENCE = "https://worker.simrun.example";
  static final String ACCOUNT = "simrun-tasks@simrun-test.iam.gserviceaccount.com";

  private String issuer;
  private String audience = AUDIENCE;
  private Object email = ACCOUNT;
  private Object emailVerified = true;
  private Instant issuedAt;
  private Instant expiresAt;
  private Instant notBefore;

  private TestTokens(String issuer, Instant now) {
    this.issuer = issuer;
    this.issuedAt = now;
    this.expiresAt = now.plus(Duration.ofHours(1));
  }

  static TestTokens aToken(String issuer, Instant now) {
    return new TestTokens(issuer, now);
  }

  static RSAKey newKey(String keyId) {
    try {
      return new RSAKeyGenerator(2048)
          .keyID(keyId)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  TestTokens issuer(String issuer) {
    this.issuer = issuer;
    return this;
  }

  TestTokens audience(String audience) {
    this.audience = audience;
    return this;
  }

  TestTokens email(Object email) {
    this.email = email;
    return this;
  }

  TestTokens emailVerified(Object verified) {
    this.emailVerified = verified;
    return this;
  }

  TestTokens issuedAt(Instant at) {
    this.issuedAt = at;
    return this;
  }

  TestTokens expiresAt(Instant at) {
    this.expiresAt = at;
    return this;
  }

  TestTokens notBefore(Instant at) {
    this.notBefore = at;
    return this;
  }

  JWTClaimsSet claims() {
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("1234567890")
            .issueTime(issuedAt == null ? null : Date.from(issuedAt))
            .expirationTime(expiresAt == null ? null : Date.from(expiresAt))
            .notBeforeTime(notBefore == null ? null : Date.from(notBefore));
    if (email != null) {
      b.claim("email", email);
    }
    if (emailVerified != null) {
      b.claim("email_verified", emailVerified);
    }
    return b.build();
  }

  String signedWith(RSAKey key) {
    try {
      return sign(
          new JWSHeader.Builder(JWSAlgorithm.RS256)
              .keyID(key.getKeyID())
              .type(JOSEObjectType.JWT)
              .build(),
          new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 with a shared secret: the "algorithm confusion" a verifier must refuse. */
  String signedWithSecret(String keyId, byte[] secret) {
    try {
      return sign(
          new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private String sign(JWSHeader header, JWSSigner signer) throws JOSEException {
    SignedJWT jwt = new SignedJWT(header, claims());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
