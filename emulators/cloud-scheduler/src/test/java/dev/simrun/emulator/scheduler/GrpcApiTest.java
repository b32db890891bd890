package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.UnimplementedException;
import com.google.cloud.scheduler.v1.CloudSchedulerClient;
import com.google.cloud.scheduler.v1.HttpMethod;
import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.JobName;
import com.google.cloud.scheduler.v1.ListJobsRequest;
import com.google.cloud.scheduler.v1.ListJobsResponse;
import com.google.cloud.scheduler.v1.LocationName;
import com.google.cloud.scheduler.v1.OAuthToken;
import com.google.cloud.scheduler.v1.PubsubTarget;
import com.google.cloud.scheduler.v1.RetryConfig;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import dev.simrun.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every method of the v1 API through Google's own client over gRPC: results, errors, paging. */
class GrpcApiTest {
  static final Instant T0 = Instant.parse("2026-03-01T09:00:30Z");
  static final TestClock clock = TestClock.at(T0);
  static final LocationName LOCATION = LocationName.of("simrun-test", "local");
  static final String TARGET = "http://127.0.0.1:9/never-called";

  @RegisterExtension
  static CloudSchedulerEmulatorExtension scheduler =
      new CloudSchedulerEmulatorExtension(b -> b.clock(clock));

  static CloudSchedulerClient client;

  static CloudSchedulerClient client() {
    if (client == null) {
      client = Clients.grpc(scheduler.emulator());
    }
    return client;
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  static Job.Builder job(String id) {
    return Job.newBuilder()
        .setName(JobName.of("simrun-test", "local", id).toString())
        .setSchedule("0 * * * *")
        .setHttpTarget(HttpTarget.newBuilder().setUri(TARGET));
  }

  @Test
  void createsAJobWithScheduleTimeStateAndDefaultsFilledIn() {
    Job created = client().createJob(LOCATION, job("created").build());

    assertThat(created.getName()).isEqualTo("projects/simrun-test/locations/local/jobs/created");
    assertThat(created.getState()).isEqualTo(Job.State.ENABLED);
    assertThat(Protos.instant(created.getScheduleTime()))
        .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(Protos.instant(created.getUserUpdateTime())).isEqualTo(T0);
    assertThat(created.hasLastAttemptTime()).isFalse();
    assertThat(created.getHttpTarget().getHttpMethod()).isEqualTo(HttpMethod.POST);
    assertThat(created.getAttemptDeadline()).isEqualTo(Durations.fromMinutes(3));
    assertThat(created.getRetryConfig())
        .isEqualTo(
            RetryConfig.newBuilder()
                .setRetryCount(0)
                .setMaxRetryDuration(Durations.ZERO)
                .setMinBackoffDuration(Durations.fromSeconds(5))
                .setMaxBackoffDuration(Durations.fromHours(1))
                .setMaxDoublings(5)
                .build());
    assertThat(client().getJob(created.getName())).isEqualTo(created);
  }

  @Test
  void aJobWithoutANameGetsAGeneratedOne() {
    Job created = client().createJob(LOCATION, job("x").clearName().build());
    assertThat(created.getName()).matches("projects/simrun-test/locations/local/jobs/[0-9]+");
  }

  @Test
  void refusesWhatCloudSchedulerRefuses() {
    client().createJob(LOCATION, job("twice").build());
    assertThatThrownBy(() -> client().createJob(LOCATION, job("twice").build()))
        .isInstanceOf(AlreadyExistsException.class);
    List<Job.Builder> invalid =
        List.of(
            job("bad-schedule").setSchedule("61 * * * *"),
            job("no-schedule").clearSchedule(),
            job("bad-zone").setTimeZone("Mars/Olympus"),
            job("no-target").clearHttpTarget(),
            job("bad-uri").setHttpTarget(HttpTarget.newBuilder().setUri("ftp://x/y")),
            job("get-with-body")
                .setHttpTarget(
                    HttpTarget.newBuilder()
                        .setUri(TARGET)
                        .setHttpMethod(HttpMethod.GET)
                        .setBody(ByteString.copyFromUtf8("x"))),
            job("six-retries").setRetryConfig(RetryConfig.newBuilder().setRetryCount(6)),
            job("short-deadline").setAttemptDeadline(Durations.fromSeconds(14)),
            job("long-deadline").setAttemptDeadline(Durations.fromSeconds(1801)),
            job("bad id!"),
            job("x").setName("projects/other/locations/local/jobs/elsewhere"));
    for (Job.Builder j : invalid) {
      assertThatThrownBy(() -> client().createJob(LOCATION, j.build()))
          .as(j.getName())
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(
            () ->
                client()
                    .createJob(
                        LOCATION,
                        job("pubsub")
                            .setPubsubTarget(
                                PubsubTarget.newBuilder().setTopicName("projects/p/topics/t"))
                            .build()))
        .isInstanceOf(UnimplementedException.class);
    assertThatThrownBy(
            () ->
                client()
                    .createJob(
                        LOCATION,
                        job("oauth")
                            .setHttpTarget(
                                HttpTarget.newBuilder()
                                    .setUri(TARGET)
                                    .setOauthToken(
                                        OAuthToken.newBuilder().setServiceAccountEmail("a@b")))
                            .build()))
        .isInstanceOf(UnimplementedException.class);
    assertThatThrownBy(() -> client().getJob(JobName.of("simrun-test", "local", "missing")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().deleteJob(JobName.of("simrun-test", "local", "missing")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void listsJobsOfOneLocationPageByPage() {
    LocationName other = LocationName.of("simrun-test", "paging");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String name = JobName.of("simrun-test", "paging", "job-" + i).toString();
      client().createJob(other, job("ignored").setName(name).build());
      names.add(name);
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListJobsResponse page =
          client()
              .listJobsCallable()
              .call(
                  ListJobsRequest.newBuilder()
                      .setParent(other.toString())
                      .setPageSize(3)
                      .setPageToken(token)
                      .build());
      page.getJobsList().forEach(j -> seen.add(j.getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(names);

    List<String> all = new ArrayList<>();
    client().listJobs(other).iterateAll().forEach(j -> all.add(j.getName()));
    assertThat(all).containsExactlyElementsOf(names);
    assertThatThrownBy(
            () ->
                client()
                    .listJobsCallable()
                    .call(
                        ListJobsRequest.newBuilder()
                            .setParent(other.toString())
                            .setPageToken("not a token")
                            .build()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void updatesOnlyTheFieldsTheMaskNames() {
    Job created =
        client()
            .createJob(
                LOCATION,
                job("masked").setDescription("before").setTimeZone("Europe/Paris").build());
    clock.advance(Duration.ofSeconds(10));
    Job updated =
        client()
            .updateJob(
                Job.newBuilder()
                    .setName(created.getName())
                    .setSchedule("30 9 * * *")
                    .setDescription("ignored: not in the mask")
                    .setRetryConfig(RetryConfig.newBuilder().setRetryCount(3))
                    .build(),
                FieldMask.newBuilder()
                    .addPaths("schedule")
                    .addPaths("retry_config.retry_count")
                    .build());
    assertThat(updated.getSchedule()).isEqualTo("30 9 * * *");
    assertThat(updated.getDescription()).isEqualTo("before");
    assertThat(updated.getTimeZone()).isEqualTo("Europe/Paris");
    assertThat(updated.getRetryConfig().getRetryCount()).isEqualTo(3);
    assertThat(updated.getRetryConfig().getMinBackoffDuration())
        .isEqualTo(Durations.fromSeconds(5));
    assertThat(updated.getHttpTarget().getUri()).isEqualTo(TARGET);
    // 09:30 in Paris (UTC+1 in March) is 08:30 UTC: tomorrow's.
    assertThat(Protos.instant(updated.getScheduleTime()))
        .isEqualTo(Instant.parse("2026-03-02T08:30:00Z"));
    assertThat(Protos.instant(updated.getUserUpdateTime())).isEqualTo(clock.instant());

    Job replaced =
        client()
            .updateJob(
                Job.newBuilder()
                    .setName(created.getName())
                    .setHttpTarget(
                        HttpTarget.newBuilder()
                            .setUri(TARGET + "/v2")
                            .setHttpMethod(HttpMethod.PUT))
                    .build(),
                FieldMask.newBuilder().addPaths("http_target").build());
    assertThat(replaced.getHttpTarget().getUri()).isEqualTo(TARGET + "/v2");
    assertThat(replaced.getHttpTarget().getHttpMethod()).isEqualTo(HttpMethod.PUT);

    assertThatThrownBy(
            () ->
                client()
                    .updateJob(
                        Job.newBuilder().setName(created.getName()).build(),
                        FieldMask.newBuilder().addPaths("state").build()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                client()
                    .updateJob(
                        Job.newBuilder().setName(created.getName()).build(),
                        FieldMask.newBuilder().addPaths("no_such_field").build()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                client()
                    .updateJob(
                        Job.newBuilder().setName(created.getName()).setSchedule("nope").build(),
                        FieldMask.newBuilder().addPaths("schedule").build()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                client()
                    .updateJob(
                        job("never-created").build(),
                        FieldMask.newBuilder().addPaths("schedule").build()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void pausesResumesAndDeletes() {
    Job created = client().createJob(LOCATION, job("paused").build());
    Job paused = client().pauseJob(created.getName());
    assertThat(paused.getState()).isEqualTo(Job.State.PAUSED);
    assertThatThrownBy(() -> client().pauseJob(created.getName()))
        .isInstanceOf(FailedPreconditionException.class);
    Job resumed = client().resumeJob(created.getName());
    assertThat(resumed.getState()).isEqualTo(Job.State.ENABLED);
    assertThatThrownBy(() -> client().resumeJob(created.getName()))
        .isInstanceOf(FailedPreconditionException.class);
    client().deleteJob(created.getName());
    assertThatThrownBy(() -> client().getJob(created.getName()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().runJob(created.getName()))
        .isInstanceOf(NotFoundException.class);
  }
}
