package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.scheduler.v1.CloudSchedulerClient;
import com.google.cloud.scheduler.v1.HttpMethod;
import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.JobName;
import com.google.cloud.scheduler.v1.LocationName;
import com.google.cloud.scheduler.v1.OidcToken;
import com.google.protobuf.ByteString;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.simrun.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pushes as a receiver sees them, on a clock the test moves: the schedule, Cloud Scheduler's
 * headers, the OIDC token checked against the emulator's JWKS, RunJob, pause and resume, injected
 * duplicates.
 */
class PushTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:59:00Z");
  static final TestClock clock = TestClock.at(T0);
  static final LocationName LOCATION = LocationName.of("simrun-test", "local");
  static final String ACCOUNT = "scheduler@simrun-test.iam.gserviceaccount.com";

  @RegisterExtension
  static CloudSchedulerEmulatorExtension scheduler =
      new CloudSchedulerEmulatorExtension(b -> b.clock(clock));

  static Receiver receiver;
  static CloudSchedulerClient client;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    client = Clients.grpc(scheduler.emulator());
  }

  @AfterAll
  static void stop() {
    client.close();
    receiver.close();
  }

  static Job create(String id, String schedule, UnaryOperator<HttpTarget.Builder> target) {
    return client.createJob(
        LOCATION,
        Job.newBuilder()
            .setName(JobName.of("simrun-test", "local", id).toString())
            .setSchedule(schedule)
            .setHttpTarget(target.apply(HttpTarget.newBuilder().setUri(receiver.url("/" + id))))
            .build());
  }

  static List<Receiver.Push> awaitPushes(String id, int n) {
    return await().until(() -> receiver.pushes("/" + id), p -> p.size() >= n);
  }

  /** Moves the clock to the job's next schedule time and returns that time. */
  static Instant fireNext(Job job) {
    Instant at = Protos.instant(client.getJob(job.getName()).getScheduleTime());
    clock.set(at);
    return at;
  }

  @Test
  void pushesAtTheScheduleTimeWithCloudSchedulersHeadersAndAVerifiableToken() throws Exception {
    Job job =
        create(
            "nightly",
            "0 * * * *",
            t ->
                t.setHttpMethod(HttpMethod.PUT)
                    .setBody(ByteString.copyFromUtf8("{\"batch\":\"nightly\"}"))
                    .putHeaders("X-Custom", "kept")
                    .putHeaders("X-Google-Internal", "dropped")
                    .putHeaders("X-AppEngine-Country", "dropped")
                    .putHeaders("X-CloudScheduler-JobName", "forged")
                    .putHeaders("User-Agent", "forged")
                    .putHeaders("Authorization", "Bearer forged")
                    .setOidcToken(OidcToken.newBuilder().setServiceAccountEmail(ACCOUNT)));
    assertThat(receiver.pushes("/nightly")).isEmpty();

    Instant at = fireNext(job);
    assertThat(at.getEpochSecond() % 3600).as("on the hour").isZero();
    Receiver.Push push = awaitPushes("nightly", 1).get(0);

    assertThat(push.method()).isEqualTo("PUT");
    assertThat(new String(push.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"batch\":\"nightly\"}");
    assertThat(push.header("User-Agent")).isEqualTo("Google-Cloud-Scheduler");
    assertThat(push.header("X-CloudScheduler")).isEqualTo("true");
    assertThat(push.header("X-CloudScheduler-JobName")).isEqualTo("nightly");
    assertThat(push.header("X-CloudScheduler-ScheduleTime"))
        .isEqualTo(at.toString())
        .matches("2026-03-0[1-9]T[0-9]{2}:00:00Z");
    assertThat(push.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(push.header("X-Custom")).isEqualTo("kept");
    assertThat(push.headers()).doesNotContainKeys("x-google-internal", "x-appengine-country");

    String authorization = push.header("Authorization");
    assertThat(authorization).startsWith("Bearer ").isNotEqualTo("Bearer forged");
    JWTClaimsSet claims = verify(authorization.substring("Bearer ".length()));
    assertThat(claims.getIssuer()).isEqualTo(scheduler.emulator().issuer());
    assertThat(claims.getAudience()).containsExactly(receiver.url("/nightly"));
    assertThat(claims.getStringClaim("email")).isEqualTo(ACCOUNT);
    assertThat(claims.getBooleanClaim("email_verified")).isTrue();
    assertThat(claims.getSubject()).isEqualTo(ACCOUNT);
    assertThat(claims.getExpirationTime().toInstant()).isAfter(at);

    Job after =
        await()
            .until(
                () -> client.getJob(job.getName()), j -> j.hasStatus() && j.hasLastAttemptTime());
    assertThat(after.getStatus().getCode()).isZero();
    assertThat(Protos.instant(after.getLastAttemptTime())).isEqualTo(at);
    assertThat(Protos.instant(after.getScheduleTime())).isEqualTo(at.plusSeconds(3600));
  }

  @Test
  void anAudienceGivenIsTheTokensAudienceAndAGivenContentTypeIsKept() throws Exception {
    Job job =
        create(
            "audience",
            "*/5 * * * *",
            t ->
                t.setBody(ByteString.copyFromUtf8("{}"))
                    .putHeaders("Content-Type", "application/json")
                    .setOidcToken(
                        OidcToken.newBuilder()
                            .setServiceAccountEmail(ACCOUNT)
                            .setAudience("https://api.simrun.dev")));
    client.runJob(job.getName());
    Receiver.Push push = awaitPushes("audience", 1).get(0);
    assertThat(push.header("Content-Type")).isEqualTo("application/json");
    JWTClaimsSet claims = verify(push.header("Authorization").substring("Bearer ".length()));
    assertThat(claims.getAudience()).containsExactly("https://api.simrun.dev");
  }

  @Test
  void runJobPushesNowWithTheForcedTimeEvenWhenPaused() {
    Job job = create("forced", "0 0 1 1 *", t -> t);
    client.pauseJob(job.getName());
    clock.advance(Duration.ofMillis(1234));
    Instant forcedAt = clock.instant();

    Job answered = client.runJob(job.getName());
    assertThat(answered.getState()).isEqualTo(Job.State.PAUSED);
    Receiver.Push push = awaitPushes("forced", 1).get(0);
    assertThat(push.header("X-CloudScheduler-ScheduleTime"))
        .isEqualTo(Dispatcher.scheduleTime(forcedAt))
        .endsWith(".234Z");
    assertThat(push.method()).isEqualTo("POST");
    assertThat(push.headers()).doesNotContainKeys("authorization", "content-type");
  }

  @Test
  void aPausedJobDoesNotFireAndResumesAtItsNextTimeAfterNow() {
    Job job = create("pausing", "*/10 * * * *", t -> t);
    client.pauseJob(job.getName());
    Instant missed = Protos.instant(job.getScheduleTime());
    clock.set(missed.plusSeconds(1));
    scheduler.emulator().wakeUp();
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.pushes("/pausing").isEmpty());

    Job resumed = client.resumeJob(job.getName());
    assertThat(Protos.instant(resumed.getScheduleTime())).isEqualTo(missed.plusSeconds(600));
    clock.set(missed.plusSeconds(600));
    Receiver.Push push = awaitPushes("pausing", 1).get(0);
    assertThat(push.header("X-CloudScheduler-ScheduleTime"))
        .isEqualTo(Dispatcher.scheduleTime(missed.plusSeconds(600)));
  }

  @Test
  void injectedDuplicatesCarryTheSameScheduleTime() throws Exception {
    Job concurrent = create("dup-concurrent", "0 0 1 1 *", t -> t);
    Job sequential = create("dup-sequential", "0 0 1 1 *", t -> t);
    scheduler.emulator().faults(concurrent.getName(), new FaultPlan(0, 1));
    HttpResponse<String> put =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            scheduler.emulator().baseUrl()
                                + "/emulator/v1/faults?job="
                                + sequential.getName()))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"duplicateDelivery\": 1}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);

    client.runJob(concurrent.getName());
    client.runJob(sequential.getName());
    for (String id : List.of("dup-concurrent", "dup-sequential")) {
      List<Receiver.Push> pushes = awaitPushes(id, 2);
      assertThat(pushes).hasSize(2);
      assertThat(pushes.get(1).header("X-CloudScheduler-ScheduleTime"))
          .isEqualTo(pushes.get(0).header("X-CloudScheduler-ScheduleTime"));
      EmulatorStats.Job stats =
          await()
              .until(
                  () ->
                      scheduler
                          .emulator()
                          .stats()
                          .jobs()
                          .get(JobName.of("simrun-test", "local", id).toString()),
                  s -> s.successes() == 1);
      assertThat(stats.attempts()).isEqualTo(1);
      assertThat(stats.duplicatesInjected()).isEqualTo(1);
    }
    scheduler.emulator().clearFaults(concurrent.getName());
    scheduler.emulator().clearFaults(sequential.getName());
  }

  private static JWTClaimsSet verify(String token) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String discovery =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            scheduler.emulator().baseUrl() + "/.well-known/openid-configuration"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(discovery).contains("\"issuer\":\"" + scheduler.emulator().issuer() + "\"");
    String jwks =
        http.send(
                HttpRequest.newBuilder(URI.create(scheduler.emulator().jwksUri())).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    SignedJWT jwt = SignedJWT.parse(token);
    RSAKey key = (RSAKey) JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("the token's key is in the JWKS").isNotNull();
    assertThat(jwt.verify(new RSASSAVerifier(key))).as("signature").isTrue();
    return jwt.getJWTClaimsSet();
  }
}
