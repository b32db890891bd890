package dev.simrun.api.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ID tokens the api must refuse, each otherwise a development user's valid token: signed by a key
 * the issuer does not publish, expired, for another audience, from an issuer the api does not
 * trust. The last three are signed with the development issuer's own key: only the claims are
 * wrong.
 */
public final class BadTokens {
  private static RSAKey stranger;

  private BadTokens() {}

  /** Each kind of bad token for {@code user}, by what is wrong with it, as bare tokens. */
  public static Map<String, String> of(String user) {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("forged signature", forged(user));
    Map<String, Object> expired = claims(user);
    long now = Instant.now().getEpochSecond();
    expired.put("iat", now - 7200);
    expired.put("exp", now - 3600);
    bad.put("expired", TestStack.signedToken(expired));
    Map<String, Object> audience = claims(user);
    audience.put("aud", "another-project");
    bad.put("wrong audience", TestStack.signedToken(audience));
    Map<String, Object> issuer = claims(user);
    issuer.put("iss", "https://securetoken.google.com/another-project");
    bad.put("wrong issuer", TestStack.signedToken(issuer));
    return bad;
  }

  /** The claims of {@code user}'s valid development token, for an hour from now. */
  public static Map<String, Object> claims(String user) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new HashMap<>();
    c.put("iss", TestStack.issuer());
    c.put("aud", TestStack.devAudience());
    c.put("sub", user);
    c.put("iat", now);
    c.put("exp", now + 3600);
    return c;
  }

  /** Right claims, signed by a key of nobody the api trusts, under a key id it has never seen. */
  public static String forged(String user) {
    try {
      SignedJWT forged =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key().getKeyID()).build(),
              new JWTClaimsSet.Builder()
                  .issuer(TestStack.issuer())
                  .audience(TestStack.devAudience())
                  .subject(user)
                  .issueTime(new Date())
                  .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                  .build());
      forged.sign(new RSASSASigner(key()));
      return forged.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized RSAKey key() throws JOSEException {
    if (stranger == null) {
      stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
    }
    return stranger;
  }
}
