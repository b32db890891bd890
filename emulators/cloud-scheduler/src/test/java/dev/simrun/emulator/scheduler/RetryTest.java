package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.scheduler.v1.CloudSchedulerClient;
import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.JobName;
import com.google.cloud.scheduler.v1.LocationName;
import com.google.cloud.scheduler.v1.RetryConfig;
import com.google.protobuf.util.Durations;
import com.google.rpc.Code;
import dev.simrun.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed attempts on a clock the test moves: the exact backoff schedule with the same schedule
 * time, the stop at retry_count and at the next schedule time, one execution at a time, and the
 * attempt deadline.
 */
class RetryTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:59:00Z");
  static final TestClock clock = TestClock.at(T0);
  static final LocationName LOCATION = LocationName.of("simrun-test", "retry");

  @RegisterExtension
  static CloudSchedulerEmulatorExtension scheduler =
      new CloudSchedulerEmulatorExtension(
          b -> b.clock(clock).minAttemptDeadline(Duration.ofMillis(100)));

  static Receiver receiver;
  static CloudSchedulerClient client;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    receiver.answer(p -> Receiver.Answer.status(p.path().startsWith("/fail") ? 503 : 200));
    client = Clients.grpc(scheduler.emulator());
  }

  @AfterAll
  static void stop() {
    client.close();
    receiver.close();
  }

  static Job create(String id, String schedule, UnaryOperator<Job.Builder> more) {
    return client.createJob(
        LOCATION,
        more.apply(
                Job.newBuilder()
                    .setName(JobName.of("simrun-test", "retry", id).toString())
                    .setSchedule(schedule)
                    .setHttpTarget(HttpTarget.newBuilder().setUri(receiver.url("/" + id))))
            .build());
  }

  static EmulatorStats.Job stats(Job job) {
    return scheduler.emulator().stats().jobs().get(job.getName());
  }

  /** Waits until the emulator has taken the outcome of attempt {@code n} into account. */
  static void afterAttempts(Job job, int n) {
    await().until(() -> stats(job), s -> s.attempts() == n && s.inFlight() == 0);
  }

  static List<String> scheduleTimes(String id) {
    return receiver.pushes("/" + id).stream()
        .map(p -> p.header("X-CloudScheduler-ScheduleTime"))
        .toList();
  }

  @Test
  void retriesWithTheDocumentedBackoffAndTheSameScheduleTimeThenStops() {
    Job job =
        create(
            "fail-backoff",
            "0 0 * * *",
            j ->
                j.setRetryConfig(
                    RetryConfig.newBuilder()
                        .setRetryCount(5)
                        .setMinBackoffDuration(Durations.fromSeconds(10))
                        .setMaxBackoffDuration(Durations.fromSeconds(300))
                        .setMaxDoublings(3)));
    Instant scheduled = Protos.instant(job.getScheduleTime());
    clock.set(scheduled);
    long[] backoff = {10, 20, 40, 80, 160};
    for (int attempt = 1; attempt <= backoff.length; attempt++) {
      afterAttempts(job, attempt);
      assertThat(receiver.pushes("/fail-backoff")).hasSize(attempt);
      Duration wait = Duration.ofSeconds(backoff[attempt - 1]);
      clock.advance(wait.minusSeconds(1));
      int seen = attempt;
      await()
          .during(Duration.ofMillis(100))
          .atMost(Duration.ofSeconds(5))
          .until(() -> receiver.pushes("/fail-backoff").size() == seen);
      clock.advance(Duration.ofSeconds(1));
    }
    afterAttempts(job, 6);
    assertThat(scheduleTimes("fail-backoff"))
        .hasSize(6)
        .allMatch(t -> t.equals(Dispatcher.scheduleTime(scheduled)));
    Job failed = client.getJob(job.getName());
    assertThat(failed.getStatus().getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
    assertThat(Protos.instant(failed.getLastAttemptTime())).isEqualTo(clock.instant());

    clock.advance(Duration.ofMinutes(10)); // retry_count reached: no seventh attempt
    await()
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.pushes("/fail-backoff").size() == 6);
    assertThat(stats(job).failures()).isEqualTo(6);
  }

  @Test
  void retriesStopAtTheNextScheduleTimeWhichStartsAFreshExecution() {
    Job job =
        create(
            "fail-minutely",
            "* * * * *",
            j ->
                j.setRetryConfig(
                    RetryConfig.newBuilder()
                        .setRetryCount(5)
                        .setMinBackoffDuration(Durations.fromSeconds(40))
                        .setMaxDoublings(1)));
    Instant first = Protos.instant(job.getScheduleTime());
    clock.set(first);
    afterAttempts(job, 1);
    clock.advance(Duration.ofSeconds(40)); // first retry, before the next minute
    afterAttempts(job, 2);
    // The second retry would come 80 s later, after the next schedule time: none is made.
    clock.set(first.plusSeconds(60));
    afterAttempts(job, 3);
    assertThat(scheduleTimes("fail-minutely"))
        .containsExactly(
            Dispatcher.scheduleTime(first),
            Dispatcher.scheduleTime(first),
            Dispatcher.scheduleTime(first.plusSeconds(60)));
    assertThat(stats(job).executions()).isEqualTo(2);
    client.pauseJob(job.getName());
  }

  @Test
  void aScheduleTimeWaitsForTheRunningAttemptAndTheTimesItMissedAreSkipped() {
    CountDownLatch release = new CountDownLatch(1);
    receiver.answer(
        p ->
            p.path().equals("/slow") && release.getCount() > 0
                ? new Receiver.Answer(200, release)
                : Receiver.Answer.status(p.path().startsWith("/fail") ? 503 : 200));
    Job job = create("slow", "* * * * *", j -> j.setAttemptDeadline(Durations.fromMinutes(30)));
    Instant first = Protos.instant(job.getScheduleTime());
    clock.set(first);
    await().until(() -> receiver.pushes("/slow").size() == 1);

    clock.set(first.plusSeconds(150)); // 1 and 2 minutes later pass while the first is held
    await()
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.pushes("/slow").size() == 1);
    assertThat(Protos.instant(client.getJob(job.getName()).getScheduleTime()))
        .as("the next execution waits")
        .isEqualTo(first.plusSeconds(60));

    release.countDown();
    await().until(() -> receiver.pushes("/slow").size() == 2);
    assertThat(scheduleTimes("slow").get(1))
        .as("started late, with its own schedule time")
        .isEqualTo(Dispatcher.scheduleTime(first.plusSeconds(60)));
    afterAttempts(job, 2);
    assertThat(Protos.instant(client.getJob(job.getName()).getScheduleTime()))
        .as("the 2-minute time passed while waiting: skipped")
        .isEqualTo(first.plusSeconds(180));
    client.pauseJob(job.getName());
  }

  @Test
  void aPausedJobMakesNoFurtherRetries() {
    Job job =
        create(
            "fail-paused",
            "0 0 * * *",
            j -> j.setRetryConfig(RetryConfig.newBuilder().setRetryCount(3)));
    clock.set(Protos.instant(job.getScheduleTime()));
    afterAttempts(job, 1);
    client.pauseJob(job.getName());
    clock.advance(Duration.ofMinutes(5)); // past the 5 s backoff
    await()
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.pushes("/fail-paused").size() == 1);
    Job resumed = client.resumeJob(job.getName());
    assertThat(Protos.instant(resumed.getScheduleTime())).isAfter(clock.instant());
    assertThat(stats(job).inFlight()).isZero();
    client.pauseJob(job.getName());
  }

  @Test
  void anAttemptWithoutAnswerWithinTheDeadlineFails() {
    CountDownLatch never = new CountDownLatch(1);
    receiver.answer(
        p ->
            p.path().equals("/hung")
                ? new Receiver.Answer(200, never)
                : Receiver.Answer.status(p.path().startsWith("/fail") ? 503 : 200));
    Job job = create("hung", "0 0 1 1 *", j -> j.setAttemptDeadline(Durations.fromMillis(300)));
    client.runJob(job.getName());
    Job failed =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> client.getJob(job.getName()), j -> j.hasStatus());
    never.countDown();
    assertThat(failed.getStatus().getCode()).isEqualTo(Code.DEADLINE_EXCEEDED_VALUE);
    assertThat(stats(job).failures()).isEqualTo(1);
  }

  @Test
  void aConnectionErrorIsAFailedAttempt() {
    Job job =
        client.createJob(
            LOCATION,
            Job.newBuilder()
                .setName(JobName.of("simrun-test", "retry", "refused").toString())
                .setSchedule("0 0 1 1 *")
                .setHttpTarget(HttpTarget.newBuilder().setUri("http://127.0.0.1:9/closed"))
                .build());
    client.runJob(job.getName());
    Job failed =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> client.getJob(job.getName()), Job::hasStatus);
    assertThat(failed.getStatus().getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
  }
}
