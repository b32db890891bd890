package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.rpc.Code;
import dev.simrun.emulator.common.GoogleRest;
import dev.simrun.emulator.common.OidcIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes due attempts to their HTTP targets: one loop thread asks {@link Jobs} what is due, the
 * requests go out on the JDK's client (virtual threads), and each outcome goes back to {@link
 * Jobs}. Scheduler traffic is a few pushes a minute, so no tuned client is needed here.
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final Logger DISPATCH_LOG = LoggerFactory.getLogger("simrun.emulator.dispatch");

  private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** With a clock moved by hand, wall time says nothing about due times: poll instead. */
  private static final long MANUAL_CLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Headers Cloud Scheduler computes, sets or reserves; a job's own values for them are dropped.
   */
  private static final Set<String> DROPPED =
      Set.of(
          "host",
          "content-length",
          "user-agent",
          "connection",
          "transfer-encoding",
          "expect",
          "upgrade",
          "te",
          "keep-alive");

  private final Jobs jobs;
  private final OidcIssuer oidc;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;
  private final boolean systemClock;
  private final Thread loop;
  private volatile boolean running = true;

  Dispatcher(Jobs jobs, OidcIssuer oidc) {
    this.jobs = jobs;
    this.oidc = oidc;
    this.systemClock = jobs.clock().getClass().equals(Clock.systemUTC().getClass());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
    this.loop =
        Thread.ofPlatform().name("cloud-scheduler-dispatcher").daemon().unstarted(this::run);
  }

  void start() {
    loop.start();
  }

  private void run() {
    List<Attempt> due = new ArrayList<>();
    while (running) {
      try {
        due.clear();
        Jobs.Due next = jobs.takeDue(due);
        for (Attempt a : due) {
          send(a);
        }
        jobs.awaitChange(next.version(), waitNanos(next.next()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("dispatch loop failed; continuing", e);
      }
    }
  }

  private long waitNanos(Instant next) {
    if (!systemClock) {
      return MANUAL_CLOCK_POLL_NANOS;
    }
    if (next.equals(Instant.MAX)) {
      return MAX_IDLE_NANOS;
    }
    long nanos = Duration.between(jobs.clock().instant(), next).toNanos();
    return Math.max(0, Math.min(nanos, MAX_IDLE_NANOS));
  }

  /**
   * Sends one attempt (twice at once, or again after it, when a fault is injected) and reports the
   * first delivery's outcome once every delivery of the attempt has finished.
   */
  private void send(Attempt a) {
    HttpRequest request;
    try {
      request = request(a);
    } catch (RuntimeException e) {
      report(a, failure(Code.INVALID_ARGUMENT, "cannot build the request: " + e.getMessage()), 0);
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<Jobs.Outcome> primary = deliver(request);
    CompletableFuture<?> extra =
        a.copies() > 1
            ? deliver(request).thenAccept(o -> logDuplicate(a, "concurrent", o))
            : CompletableFuture.completedFuture(null);
    primary
        .thenCompose(
            outcome -> {
              long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
              CompletableFuture<?> again =
                  a.sequentialDuplicate()
                      ? deliver(request).thenAccept(o -> logDuplicate(a, "sequential", o))
                      : CompletableFuture.completedFuture(null);
              return CompletableFuture.allOf(extra, again).thenRun(() -> report(a, outcome, ms));
            })
        .exceptionally(
            e -> {
              LOG.error("push of {} failed unexpectedly", a.state().name, e);
              return null;
            });
  }

  private void report(Attempt a, Jobs.Outcome outcome, long latencyMs) {
    jobs.complete(a, outcome);
    if (DISPATCH_LOG.isInfoEnabled()) {
      DISPATCH_LOG.info(
          "{\"event\":\"dispatch\",\"job\":{},\"scheduleTime\":\"{}\",\"attempt\":{},"
              + "\"code\":\"{}\",\"result\":{},\"latencyMs\":{}}",
          GoogleRest.quote(a.state().name),
          scheduleTime(a.execution().scheduleTime),
          a.number(),
          Code.forNumber(outcome.status().getCode()),
          GoogleRest.quote(outcome.success() ? "success" : outcome.status().getMessage()),
          latencyMs);
    }
  }

  private static void logDuplicate(Attempt a, String kind, Jobs.Outcome o) {
    DISPATCH_LOG.info(
        "{\"event\":\"duplicate\",\"kind\":\"{}\",\"job\":{},\"attempt\":{},\"code\":\"{}\"}",
        kind,
        GoogleRest.quote(a.state().name),
        a.number(),
        Code.forNumber(o.status().getCode()));
  }

  private CompletableFuture<Jobs.Outcome> deliver(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error == null) {
                return outcome(response.statusCode());
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof HttpTimeoutException) {
                return failure(Code.DEADLINE_EXCEEDED, "no response within the attempt deadline");
              }
              if (cause instanceof IOException) {
                return failure(Code.UNAVAILABLE, "connection failed: " + cause);
              }
              return failure(Code.UNKNOWN, String.valueOf(cause));
            });
  }

  HttpRequest request(Attempt a) {
    JobSpec spec = a.job();
    HttpTarget target = spec.job().getHttpTarget();
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : target.getHeadersMap().entrySet()) {
      String lower = h.getKey().toLowerCase(Locale.ROOT);
      if (DROPPED.contains(lower)
          || lower.startsWith("x-google-")
          || lower.startsWith("x-appengine-")
          || lower.startsWith("x-cloudscheduler")
          || (target.hasOidcToken() && lower.equals("authorization"))) {
        continue;
      }
      headers.put(h.getKey(), h.getValue());
    }
    byte[] body = target.getBody().toByteArray();
    if (body.length > 0 && headers.keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
      headers.put("Content-Type", "application/octet-stream");
    }
    headers.put("User-Agent", "Google-Cloud-Scheduler");
    headers.put("X-CloudScheduler", "true");
    headers.put("X-CloudScheduler-JobName", Names.shortId(a.state().name));
    headers.put("X-CloudScheduler-ScheduleTime", scheduleTime(a.execution().scheduleTime));
    if (target.hasOidcToken()) {
      headers.put(
          "Authorization",
          "Bearer " + oidc.token(spec.audience(), target.getOidcToken().getServiceAccountEmail()));
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target.getUri()))
            .timeout(spec.attemptDeadline())
            .method(
                target.getHttpMethod().name(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return b.build();
  }

  /** RFC 3339 in UTC ("Zulu"), to the millisecond when the time has a fraction. */
  static String scheduleTime(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * An HTTP status as the job's {@code status} shows it: 2xx is OK; others map as Google maps HTTP
   * to RPC codes.
   */
  static Jobs.Outcome outcome(int http) {
    if (http >= 200 && http < 300) {
      return new Jobs.Outcome(true, com.google.rpc.Status.getDefaultInstance());
    }
    Code code =
        switch (http) {
          case 400 -> Code.INVALID_ARGUMENT;
          case 401 -> Code.UNAUTHENTICATED;
          case 403 -> Code.PERMISSION_DENIED;
          case 404 -> Code.NOT_FOUND;
          case 409 -> Code.ABORTED;
          case 412 -> Code.FAILED_PRECONDITION;
          case 416 -> Code.OUT_OF_RANGE;
          case 429 -> Code.RESOURCE_EXHAUSTED;
          case 499 -> Code.CANCELLED;
          case 501 -> Code.UNIMPLEMENTED;
          case 503 -> Code.UNAVAILABLE;
          case 504 -> Code.DEADLINE_EXCEEDED;
          default ->
              http >= 500 ? Code.INTERNAL : http >= 400 ? Code.FAILED_PRECONDITION : Code.UNKNOWN;
        };
    return failure(code, "HTTP " + http);
  }

  private static Jobs.Outcome failure(Code code, String message) {
    return new Jobs.Outcome(
        false,
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).build());
  }

  @Override
  public void close() {
    running = false;
    loop.interrupt();
    executor.shutdownNow();
    http.shutdownNow();
  }
}
