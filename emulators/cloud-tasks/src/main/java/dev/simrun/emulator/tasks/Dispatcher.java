package dev.simrun.emulator.tasks;

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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes due tasks to their targets: one loop thread decides what is due (under the lock), HTTP
 * requests go out asynchronously, and each outcome is handed back to {@link Attempts}. Plain HTTP
 * targets are pushed to with {@link PushClient}, HTTPS ones with the JDK's client.
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The loop looks at least this often, to expire name reservations and notice a moved clock. */
  private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** With a clock moved by hand, wall time says nothing about due times: poll instead. */
  private static final long MANUAL_CLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final TaskQueues queues;
  private final Attempts attempts;
  private final OidcIssuer oidc;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;
  private final PushClient pushes = new PushClient(CONNECT_TIMEOUT);
  private final boolean systemClock;
  private final Thread loop;
  private volatile boolean running = true;

  Dispatcher(TaskQueues queues, Attempts attempts, OidcIssuer oidc) {
    this.queues = queues;
    this.attempts = attempts;
    this.oidc = oidc;
    Clock clock = queues.clock();
    this.systemClock = clock.getClass().equals(Clock.systemUTC().getClass());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
    this.loop = Thread.ofPlatform().name("cloud-tasks-dispatcher").daemon().unstarted(this::run);
  }

  void start() {
    loop.start();
  }

  private void run() {
    List<Dispatch> due = new ArrayList<>();
    while (running) {
      try {
        due.clear();
        Attempts.Due next = attempts.takeDue(due);
        for (Dispatch d : due) {
          send(d);
        }
        queues.awaitChange(next.version(), waitNanos(next.next()));
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
    long nanos = Duration.between(queues.clock().instant(), next).toNanos();
    return Math.max(0, Math.min(nanos, MAX_IDLE_NANOS));
  }

  /** Sends one attempt, plus the injected duplicates, and reports the primary's outcome. */
  void send(Dispatch d) {
    Push push;
    try {
      push = toPush(d);
    } catch (RuntimeException e) {
      attempts.complete(d, Dispatch.Outcome.noResponse("CONNECTION_ERROR", e.getMessage()), 0);
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<Dispatch.Outcome> primary = deliver(push);
    if (d.copies() > 1) {
      deliver(push).thenAccept(o -> logDuplicate(d, "concurrent", o));
    }
    primary.thenAccept(
        outcome -> {
          attempts.complete(d, outcome, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          if (d.sequentialDuplicate()) {
            deliver(push).thenAccept(o -> logDuplicate(d, "sequential", o));
          }
        });
  }

  /** An injected copy's outcome changes nothing; it is logged so a test can see where it went. */
  private static void logDuplicate(Dispatch d, String kind, Dispatch.Outcome o) {
    LOG.info(
        "injected {} duplicate of {} attempt {}: status {} {}",
        kind,
        d.task().name,
        d.attempt(),
        o.status(),
        o.failure() == null ? "" : o.failure() + " " + o.detail());
  }

  /** One request as a task's HTTP target makes it: where, how, and with what. */
  private record Push(
      URI url, String method, Map<String, String> headers, byte[] body, Duration deadline) {}

  private CompletableFuture<Dispatch.Outcome> deliver(Push push) {
    CompletableFuture<Dispatch.Outcome> outcome;
    if (PushClient.handles(push.url())) {
      outcome =
          pushes
              .send(push.url(), push.method(), push.headers(), push.body(), push.deadline())
              .handle(
                  (answer, error) ->
                      error == null
                          ? Dispatch.Outcome.response(
                              answer.status(),
                              retryAfter(answer.retryAfter(), queues.clock().instant()))
                          : noResponse(error));
    } else {
      outcome =
          http.sendAsync(toHttpRequest(push), HttpResponse.BodyHandlers.discarding())
              .handle(
                  (response, error) ->
                      error == null
                          ? Dispatch.Outcome.response(
                              response.statusCode(),
                              retryAfter(
                                  response.headers().firstValue("Retry-After").orElse(null),
                                  queues.clock().instant()))
                          : noResponse(error));
    }
    return outcome;
  }

  private static Dispatch.Outcome noResponse(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return Dispatch.Outcome.noResponse("DEADLINE_EXCEEDED", cause.toString());
    }
    return Dispatch.Outcome.noResponse(
        "CONNECTION_ERROR",
        cause instanceof IOException ? cause.toString() : String.valueOf(cause));
  }

  private Push toPush(Dispatch d) {
    var task = d.request();
    Map<String, String> headers = new LinkedHashMap<>(d.headers());
    if (task.hasOidcToken()) {
      var oidcToken = task.getOidcToken();
      String audience = oidcToken.getAudience().isEmpty() ? task.getUrl() : oidcToken.getAudience();
      headers.put(
          "Authorization", "Bearer " + oidc.token(audience, oidcToken.getServiceAccountEmail()));
    }
    return new Push(
        URI.create(task.getUrl()),
        task.getHttpMethod().name(),
        headers,
        task.getBody().toByteArray(),
        d.deadline());
  }

  private static HttpRequest toHttpRequest(Push push) {
    HttpRequest.BodyPublisher publisher =
        push.body().length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(push.body());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(push.url())
            .timeout(push.deadline())
            .method(push.method(), publisher);
    for (Map.Entry<String, String> h : push.headers().entrySet()) {
      try {
        b.setHeader(h.getKey(), h.getValue());
      } catch (IllegalArgumentException restricted) {
        // Connection, Expect, Upgrade: hop-by-hop headers the transport owns.
      }
    }
    return b.build();
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(now, at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException unreadable) {
        return null;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    loop.interrupt();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pushes.close();
    http.shutdownNow();
    executor.shutdownNow();
  }
}
