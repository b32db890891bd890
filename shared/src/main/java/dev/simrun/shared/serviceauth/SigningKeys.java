package dev.simrun.shared.serviceauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys, found lazily: the configured JWKS URI, or the one the issuer's OpenID
 * discovery document names. Found once, then kept; the JWKS itself is cached and refreshed by
 * nimbus. A failed discovery is remembered for a few seconds so that a burst of requests fails fast
 * instead of queueing behind one timeout after another.
 */
final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  static final Duration RETRY_DISCOVERY_AFTER = Duration.ofSeconds(5);
  private static final int SIZE_LIMIT = 256 * 1024;

  private final AuthConfig config;
  private final Clock clock;
  private final ResourceRetriever http;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile JWTProcessor<SecurityContext> processor;
  private volatile JWKSource<SecurityContext> source;
  private Instant failedAt; // guarded by lock
  private String failure; // guarded by lock

  SigningKeys(AuthConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.http =
        new DefaultResourceRetriever(
            Math.toIntExact(config.connectTimeout().toMillis()),
            Math.toIntExact(config.readTimeout().toMillis()),
            SIZE_LIMIT);
  }

  /** Thrown when the keys cannot be located (discovery failed); says nothing about a token. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** A processor that checks an RS256 signature against the issuer's keys, not the claims. */
  JWTProcessor<SecurityContext> processor() throws Unavailable {
    JWTProcessor<SecurityContext> p = processor;
    if (p != null) {
      return p;
    }
    lock.lock();
    try {
      if (processor != null) {
        return processor;
      }
      Instant now = clock.instant();
      if (failedAt != null && now.isBefore(failedAt.plus(RETRY_DISCOVERY_AFTER))) {
        throw new Unavailable("OIDC discovery failed at " + failedAt + ": " + failure);
      }
      try {
        URL jwks = config.jwksUri() != null ? config.jwksUri().toURL() : discoverJwksUri();
        processor = processorFor(jwks);
        failedAt = null;
        LOG.info("verifying ID tokens of {} with the keys at {}", config.issuer(), jwks);
        return processor;
      } catch (IOException | ParseException | IllegalArgumentException e) {
        failedAt = now;
        failure = e.toString();
        throw new Unavailable("OIDC discovery for " + config.issuer() + " failed: " + e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Discovers the keys and fetches them into the cache; a failure is logged and forgotten. */
  void prefetch() {
    try {
      processor();
      source.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
    } catch (Unavailable | KeySourceException | RuntimeException e) {
      LOG.warn("could not fetch the signing keys of {} yet: {}", config.issuer(), e.toString());
    }
  }

  private URL discoverJwksUri() throws IOException, ParseException {
    String base = config.issuer().replaceAll("/+$", "");
    URL url = URI.create(base + DISCOVERY_PATH).toURL();
    Map<String, Object> doc = JSONObjectUtils.parse(http.retrieveResource(url).getContent());
    // OpenID Connect Discovery 1.0, 4.3: the document must name exactly the issuer asked for.
    String issuer = JSONObjectUtils.getString(doc, "issuer");
    if (!config.issuer().equals(issuer)) {
      throw new IllegalArgumentException(url + " names issuer " + issuer);
    }
    String jwks = JSONObjectUtils.getString(doc, "jwks_uri");
    if (jwks == null || jwks.isBlank()) {
      throw new IllegalArgumentException(url + " names no jwks_uri");
    }
    return URI.create(jwks).toURL();
  }

  private JWTProcessor<SecurityContext> processorFor(URL jwks) {
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(jwks, http)
            .cache(
                config.jwksCacheTtl().toMillis(),
                config.connectTimeout().plus(config.readTimeout()).toMillis())
            .build();
    source = keys;
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    // Claims are checked by the verifier, with the injected clock and a reason per failure.
    p.setJWTClaimsSetVerifier(null);
    return p;
  }
}
