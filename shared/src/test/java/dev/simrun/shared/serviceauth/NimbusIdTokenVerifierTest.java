package dev.simrun.shared.serviceauth;

import static dev.simrun.shared.serviceauth.TestTokens.ACCOUNT;
import static dev.simrun.shared.serviceauth.TestTokens.AUDIENCE;
import static dev.simrun.shared.serviceauth.TestTokens.aToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Reason;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Refusal;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Rejected;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Verification;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Verified;
import dev.simrun.testing.TestClock;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against a real (loopback) issuer serving its discovery document and JWKS. */
class NimbusIdTokenVerifierTest {
  static final RSAKey KEY = TestTokens.newKey("key-1");
  static final RSAKey OTHER_KEY_SAME_ID = TestTokens.newKey("key-1");
  static final RSAKey ROTATED = TestTokens.newKey("key-2");
  static final Instant START = Instant.parse("2031-03-04T05:06:07Z");

  KeyServer issuer;
  TestClock clock;

  @BeforeEach
  void start() {
    issuer = KeyServer.start(KEY);
    clock = TestClock.at(START);
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  AuthConfig config(String issuerUrl, URI jwksUri, Duration readTimeout) {
    return config(issuerUrl, jwksUri, readTimeout, false);
  }

  AuthConfig config(String issuerUrl, URI jwksUri, Duration readTimeout, boolean platformVerified) {
    return new AuthConfig(
        issuerUrl,
        AUDIENCE,
        List.of(ACCOUNT, "second@simrun-test.iam.gserviceaccount.com"),
        jwksUri,
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        readTimeout,
        Duration.ofMinutes(5),
        platformVerified);
  }

  /** A read timeout no answer of the loopback issuer comes near, however busy the machine. */
  static final Duration AMPLE = Duration.ofSeconds(30);

  NimbusIdTokenVerifier verifier() {
    return new NimbusIdTokenVerifier(config(issuer.issuer(), null, AMPLE), clock);
  }

  TestTokens token() {
    return aToken(issuer.issuer(), clock.instant());
  }

  static Reason reasonOf(Verification v) {
    assertThat(v).isInstanceOf(Rejected.class);
    return ((Rejected) v).reason();
  }

  @Test
  void aGenuineTokenOfAnAllowedAccountNamesTheAccount() {
    Verification v = verifier().verify(token().signedWith(KEY));
    assertThat(v).isEqualTo(new Verified(ACCOUNT, "1234567890", START.plus(Duration.ofHours(1))));
  }

  @Test
  void keysAreDiscoveredAtTheFirstVerificationThenReused() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(issuer.discoveries()).as("nothing fetched at construction").isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(token().signedWith(KEY))).isInstanceOf(Verified.class);
    }
    assertThat(issuer.discoveries()).isEqualTo(1);
    assertThat(issuer.jwksFetches()).isEqualTo(1);
  }

  @Test
  void concurrentFirstVerificationsDiscoverOnce() throws Exception {
    NimbusIdTokenVerifier verifier = verifier();
    String token = token().signedWith(KEY);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Verification>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < 32; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return verifier.verify(token);
                }));
      }
      go.countDown();
      for (Future<Verification> f : results) {
        assertThat(f.get()).isInstanceOf(Verified.class);
      }
    }
    assertThat(issuer.discoveries()).isEqualTo(1);
    assertThat(issuer.jwksFetches()).isEqualTo(1);
  }

  @Test
  void aConfiguredJwksUriIsUsedWithoutDiscovery() {
    var verifier =
        new NimbusIdTokenVerifier(
            config(issuer.issuer(), URI.create(issuer.jwksUri()), AMPLE), clock);
    assertThat(verifier.verify(token().signedWith(KEY))).isInstanceOf(Verified.class);
    assertThat(issuer.discoveries()).isZero();
  }

  @Test
  void aMissingOrMalformedTokenIsUnauthenticated() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(reasonOf(verifier.verify(null))).isEqualTo(Reason.MISSING);
    assertThat(reasonOf(verifier.verify("  "))).isEqualTo(Reason.MISSING);
    assertThat(reasonOf(verifier.verify("not.a.jwt"))).isEqualTo(Reason.MALFORMED);
    String unsigned =
        Base64URL.encode("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(token().claims().toString().getBytes(StandardCharsets.UTF_8))
            + ".";
    assertThat(reasonOf(verifier.verify(unsigned))).isEqualTo(Reason.MALFORMED);
    assertThat(Reason.MALFORMED.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void aSignatureNotMadeByTheIssuersKeyIsRefused() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(reasonOf(verifier.verify(token().signedWith(OTHER_KEY_SAME_ID))))
        .isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(reasonOf(verifier.verify(token().signedWith(ROTATED))))
        .as("a key id the issuer does not publish")
        .isEqualTo(Reason.BAD_SIGNATURE);
    // HS256 keyed with the public key's bytes: the classic algorithm confusion.
    byte[] secret = KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    assertThat(reasonOf(verifier.verify(token().signedWithSecret("key-1", secret))))
        .isEqualTo(Reason.BAD_SIGNATURE);

    String[] parts = token().signedWith(KEY).split("\\.");
    String otherPayload = token().email("intruder@example.com").signedWith(KEY).split("\\.")[1];
    assertThat(reasonOf(verifier.verify(parts[0] + "." + otherPayload + "." + parts[2])))
        .as("claims swapped under a genuine signature")
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void issuerAndAudienceMustMatch() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(reasonOf(verifier.verify(token().issuer("https://evil.example").signedWith(KEY))))
        .isEqualTo(Reason.WRONG_ISSUER);
    assertThat(reasonOf(verifier.verify(token().audience("https://other.example").signedWith(KEY))))
        .isEqualTo(Reason.WRONG_AUDIENCE);
  }

  @Test
  void googleSignsWithEitherSpellingOfItsIssuer() {
    var verifier =
        new NimbusIdTokenVerifier(
            config(AuthConfig.GOOGLE_ISSUER, URI.create(issuer.jwksUri()), AMPLE), clock);
    for (String iss : List.of("https://accounts.google.com", "accounts.google.com")) {
      assertThat(verifier.verify(token().issuer(iss).signedWith(KEY))).isInstanceOf(Verified.class);
    }
    assertThat(reasonOf(verifier.verify(token().issuer("google.com").signedWith(KEY))))
        .isEqualTo(Reason.WRONG_ISSUER);
  }

  @Test
  void lifetimeIsCheckedAgainstTheInjectedClockWithASmallSkew() {
    NimbusIdTokenVerifier verifier = verifier();
    Instant now = clock.instant();
    assertThat(verifier.verify(token().expiresAt(now.minusSeconds(59)).signedWith(KEY)))
        .as("expired, but within the skew")
        .isInstanceOf(Verified.class);
    assertThat(reasonOf(verifier.verify(token().expiresAt(now.minusSeconds(61)).signedWith(KEY))))
        .isEqualTo(Reason.EXPIRED);
    assertThat(reasonOf(verifier.verify(token().issuedAt(now.plusSeconds(120)).signedWith(KEY))))
        .isEqualTo(Reason.NOT_YET_VALID);
    assertThat(reasonOf(verifier.verify(token().notBefore(now.plusSeconds(120)).signedWith(KEY))))
        .isEqualTo(Reason.NOT_YET_VALID);
    assertThat(reasonOf(verifier.verify(token().expiresAt(null).signedWith(KEY))))
        .isEqualTo(Reason.MALFORMED);

    String valid = token().signedWith(KEY);
    clock.advance(Duration.ofHours(1).plusSeconds(61));
    assertThat(reasonOf(verifier.verify(valid)))
        .as("the same token, later")
        .isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aRememberedTokenIsStillRefusedOnceItExpires() {
    NimbusIdTokenVerifier verifier = verifier();
    String valid = token().signedWith(KEY);
    assertThat(verifier.verify(valid)).isInstanceOf(Verified.class);
    assertThat(verifier.verify(valid)).as("again, from memory").isInstanceOf(Verified.class);
    clock.advance(Duration.ofHours(1).plusSeconds(61));
    assertThat(reasonOf(verifier.verify(valid))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void theEmailMustBeVerified() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(reasonOf(verifier.verify(token().emailVerified(false).signedWith(KEY))))
        .isEqualTo(Reason.NO_VERIFIED_EMAIL);
    assertThat(reasonOf(verifier.verify(token().emailVerified(null).signedWith(KEY))))
        .isEqualTo(Reason.NO_VERIFIED_EMAIL);
    assertThat(reasonOf(verifier.verify(token().email(null).signedWith(KEY))))
        .isEqualTo(Reason.NO_VERIFIED_EMAIL);
    assertThat(verifier.verify(token().emailVerified("true").signedWith(KEY)))
        .as("older Google tokens say \"true\"")
        .isInstanceOf(Verified.class);
  }

  @Test
  void aGenuineTokenOfAnotherAccountIsForbidden() {
    NimbusIdTokenVerifier verifier = verifier();
    Verification v =
        verifier.verify(token().email("someone@other.iam.gserviceaccount.com").signedWith(KEY));
    assertThat(reasonOf(v)).isEqualTo(Reason.ACCOUNT_NOT_ALLOWED);
    assertThat(Reason.ACCOUNT_NOT_ALLOWED.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(verifier.verify(token().email(ACCOUNT.toUpperCase()).signedWith(KEY)))
        .as("email addresses compare without case")
        .isInstanceOf(Verified.class);
  }

  @Test
  void rotatedKeysAreFetchedWhenATokenNamesAnUnknownKeyId() {
    NimbusIdTokenVerifier verifier = verifier();
    assertThat(verifier.verify(token().signedWith(KEY))).isInstanceOf(Verified.class);
    issuer.keys(KEY, ROTATED);
    // The first refresh after the initial fetch is allowed; later ones are rate-limited.
    assertThat(verifier.verify(token().signedWith(ROTATED))).isInstanceOf(Verified.class);
    assertThat(issuer.jwksFetches()).isEqualTo(2);
  }

  @Test
  void anUnreachableIssuerMeansKeysUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var verifier =
        new NimbusIdTokenVerifier(
            config("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(1)), clock);
    Verification v = verifier.verify(token().signedWith(KEY));
    assertThat(reasonOf(v)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(Reason.KEYS_UNAVAILABLE.refusal()).isEqualTo(Refusal.UNAVAILABLE);
  }

  @Test
  void aFailedDiscoveryFailsFastForAWhileThenIsRetried() {
    issuer.status(503);
    NimbusIdTokenVerifier verifier = verifier();
    String token = token().signedWith(KEY);
    assertThat(reasonOf(verifier.verify(token))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(reasonOf(verifier.verify(token))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(issuer.discoveries()).as("the second call did not ask again").isEqualTo(1);

    issuer.status(200);
    clock.advance(SigningKeys.RETRY_DISCOVERY_AFTER);
    assertThat(verifier.verify(token)).isInstanceOf(Verified.class);
    assertThat(issuer.discoveries()).isEqualTo(2);
  }

  @Test
  void aDiscoveryDocumentOfAnotherIssuerIsNotTrusted() {
    issuer.discoveredIssuer("https://evil.example");
    assertThat(reasonOf(verifier().verify(token().signedWith(KEY))))
        .isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void anIssuerThatNeverAnswersTimesOut() {
    issuer.hang();
    var verifier =
        new NimbusIdTokenVerifier(config(issuer.issuer(), null, Duration.ofMillis(300)), clock);
    Verification v = verifier.verify(token().signedWith(KEY));
    assertThat(reasonOf(v)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    // The issuer has not let go of the request: the verifier gave up on its own read timeout.
    assertThat(issuer.letGo()).isZero();
  }

  /** What Cloud Run forwards after its invoker check verified the token. */
  static String signatureRemoved(String token) {
    return token.substring(0, token.lastIndexOf('.') + 1) + AuthConfig.SIGNATURE_REMOVED;
  }

  @Test
  void aTokenWhoseSignatureGoogleRemovedIsRefusedUnlessThePlatformVerifiedIt() {
    String forwarded = signatureRemoved(token().signedWith(KEY));
    assertThat(reasonOf(verifier().verify(forwarded))).isEqualTo(Reason.BAD_SIGNATURE);

    var behindCloudRun =
        new NimbusIdTokenVerifier(config(issuer.issuer(), null, AMPLE, true), clock);
    assertThat(behindCloudRun.verify(forwarded)).isInstanceOf(Verified.class);
    assertThat(issuer.discoveries()).as("no keys needed").isZero();
    // Every claim is still checked.
    assertThat(
            reasonOf(
                behindCloudRun.verify(
                    signatureRemoved(token().audience("https://other.example").signedWith(KEY)))))
        .isEqualTo(Reason.WRONG_AUDIENCE);
    assertThat(
            reasonOf(
                behindCloudRun.verify(
                    signatureRemoved(token().email("x@other.example").signedWith(KEY)))))
        .isEqualTo(Reason.ACCOUNT_NOT_ALLOWED);
    assertThat(
            reasonOf(
                behindCloudRun.verify(
                    signatureRemoved(token().expiresAt(START.minusSeconds(120)).signedWith(KEY)))))
        .isEqualTo(Reason.EXPIRED);
    // A token that still has its signature is verified as usual.
    assertThat(reasonOf(behindCloudRun.verify(token().signedWith(OTHER_KEY_SAME_ID))))
        .isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(behindCloudRun.verify(token().signedWith(KEY))).isInstanceOf(Verified.class);
  }
}
