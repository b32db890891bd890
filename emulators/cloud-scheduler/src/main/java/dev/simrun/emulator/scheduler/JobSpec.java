package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.HttpMethod;
import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.RetryConfig;
import dev.simrun.emulator.common.Backoff;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * What a job asks for, checked as Cloud Scheduler checks it, with its defaults filled in: the
 * schedule and zone, the HTTP target, the retry rules and the attempt deadline.
 *
 * @param job the job's settable fields, defaults written out as the API shows them
 */
record JobSpec(
    Job job,
    Cron cron,
    ZoneId zone,
    int retryCount,
    Duration maxRetryDuration,
    Backoff backoff,
    Duration attemptDeadline) {

  static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(5);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
  static final int DEFAULT_MAX_DOUBLINGS = 5;
  static final Duration DEFAULT_ATTEMPT_DEADLINE = Duration.ofMinutes(3);
  static final Duration MAX_ATTEMPT_DEADLINE = Duration.ofMinutes(30);
  private static final Set<HttpMethod> BODY_ALLOWED =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  /** Checks {@code job}; an INVALID_ARGUMENT or UNIMPLEMENTED status when it cannot run. */
  static JobSpec of(Job job, Duration minAttemptDeadline) {
    Job.Builder b = job.toBuilder();
    switch (job.getTargetCase()) {
      case HTTP_TARGET -> b.setHttpTarget(http(job.getHttpTarget()));
      case PUBSUB_TARGET ->
          throw Names.unimplemented(
              "Pub/Sub targets are not supported by the emulator; use an HTTP target");
      case APP_ENGINE_HTTP_TARGET ->
          throw Names.unimplemented(
              "App Engine targets are not supported by the emulator; use an HTTP target");
      default -> throw Names.invalid("A job needs a target (http_target)");
    }
    if (job.getSchedule().isBlank()) {
      throw Names.invalid("A job needs a schedule");
    }
    Cron cron;
    try {
      cron = Cron.parse(job.getSchedule());
    } catch (IllegalArgumentException e) {
      throw Names.invalid(e.getMessage());
    }
    ZoneId zone = zone(job.getTimeZone());
    if (cron.next(Instant.EPOCH, ZoneOffset.UTC).isEmpty()) { // nine years hold every date
      throw Names.invalid("Schedule '" + job.getSchedule() + "' never fires");
    }

    RetryConfig retry = job.getRetryConfig();
    if (retry.getRetryCount() < 0 || retry.getRetryCount() > 5) {
      throw Names.invalid("retry_count must be between 0 and 5, was " + retry.getRetryCount());
    }
    if (retry.getMaxDoublings() < 0) {
      throw Names.invalid("max_doublings must not be negative");
    }
    Duration maxRetry = nonNegative("max_retry_duration", retry.getMaxRetryDuration());
    Duration minBackoff =
        retry.hasMinBackoffDuration()
            ? nonNegative("min_backoff_duration", retry.getMinBackoffDuration())
            : DEFAULT_MIN_BACKOFF;
    Duration maxBackoff =
        retry.hasMaxBackoffDuration()
            ? nonNegative("max_backoff_duration", retry.getMaxBackoffDuration())
            : DEFAULT_MAX_BACKOFF;
    if (minBackoff.compareTo(maxBackoff) > 0) {
      throw Names.invalid("min_backoff_duration must not exceed max_backoff_duration");
    }
    // proto3 cannot tell 0 from unset: 0 takes the documented default, as the API does.
    int doublings = retry.getMaxDoublings() == 0 ? DEFAULT_MAX_DOUBLINGS : retry.getMaxDoublings();
    b.setRetryConfig(
        RetryConfig.newBuilder()
            .setRetryCount(retry.getRetryCount())
            .setMaxRetryDuration(Protos.duration(maxRetry))
            .setMinBackoffDuration(Protos.duration(minBackoff))
            .setMaxBackoffDuration(Protos.duration(maxBackoff))
            .setMaxDoublings(doublings));

    Duration deadline =
        job.hasAttemptDeadline()
            ? Protos.duration(job.getAttemptDeadline())
            : DEFAULT_ATTEMPT_DEADLINE;
    if (deadline.compareTo(minAttemptDeadline) < 0
        || deadline.compareTo(MAX_ATTEMPT_DEADLINE) > 0) {
      throw Names.invalid(
          "attempt_deadline must be between "
              + minAttemptDeadline.toSeconds()
              + "s and 1800s for HTTP targets, was "
              + deadline);
    }
    b.setAttemptDeadline(Protos.duration(deadline));
    return new JobSpec(
        b.build(),
        cron,
        zone,
        retry.getRetryCount(),
        maxRetry,
        new Backoff(minBackoff, maxBackoff, doublings),
        deadline);
  }

  private static HttpTarget http(HttpTarget target) {
    HttpTarget.Builder t = target.toBuilder();
    String uri = target.getUri();
    if (uri.isBlank()) {
      throw Names.invalid("http_target.uri is required");
    }
    if (uri.length() > 2083) {
      throw Names.invalid("http_target.uri is longer than 2083 characters");
    }
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || parsed.getHost() == null) {
        throw Names.invalid("http_target.uri must begin with http:// or https://, was " + uri);
      }
    } catch (URISyntaxException e) {
      throw Names.invalid("http_target.uri is not a URI: " + uri);
    }
    if (target.getHttpMethod() == HttpMethod.HTTP_METHOD_UNSPECIFIED) {
      t.setHttpMethod(HttpMethod.POST);
    } else if (target.getHttpMethod() == HttpMethod.UNRECOGNIZED) {
      throw Names.invalid("Unknown http_method");
    }
    if (!target.getBody().isEmpty() && !BODY_ALLOWED.contains(t.getHttpMethod())) {
      throw Names.invalid("A body is allowed only with POST, PUT or PATCH");
    }
    if (target.hasOauthToken()) {
      throw Names.unimplemented(
          "OAuth tokens are not supported by the emulator; use oidc_token for HTTP targets");
    }
    if (target.hasOidcToken() && target.getOidcToken().getServiceAccountEmail().isBlank()) {
      throw Names.invalid("oidc_token.service_account_email is required");
    }
    return t.build();
  }

  private static ZoneId zone(String timeZone) {
    if (timeZone.isEmpty()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw Names.invalid("Invalid time_zone '" + timeZone + "'; expected an IANA time zone");
    }
  }

  private static Duration nonNegative(String name, com.google.protobuf.Duration d) {
    Duration duration = Protos.duration(d);
    if (duration.isNegative()) {
      throw Names.invalid(name + " must not be negative");
    }
    return duration;
  }

  /** The uri's audience, when the job names none. */
  String audience() {
    String given = job.getHttpTarget().getOidcToken().getAudience();
    return given.isEmpty() ? job.getHttpTarget().getUri() : given;
  }
}
