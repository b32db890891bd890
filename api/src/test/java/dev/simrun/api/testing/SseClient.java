package dev.simrun.api.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client as a browser's {@code EventSource} reads a stream (id, event, data,
 * comments), over plain HTTP; every event it parses, in order, and whether the server closed.
 */
public final class SseClient implements AutoCloseable {
  /** One event of the stream; {@code id} and {@code name} are null when the server sent none. */
  public record Sse(String id, String name, String data) {}

  private final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile int comments;
  private volatile Stream<String> lines;

  private SseClient(HttpClient http, HttpRequest request) {
    response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response
        .thenAcceptAsync(this::read)
        .exceptionally(
            e -> {
              closed.complete(null);
              return null;
            });
  }

  /** Opens {@code uri} as {@code owner}, with these extra headers (e.g. Last-Event-ID). */
  public static SseClient open(URI uri, String owner, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Accept", "text/event-stream")
            .header(Api.AUTH, Api.bearer(owner))
            .timeout(Duration.ofMinutes(5));
    headers.forEach(b::header);
    return new SseClient(HttpClient.newHttpClient(), b.build());
  }

  /** Opens {@code uri} as a browser's {@code EventSource} does: only the session cookie. */
  public static SseClient openWithSession(URI uri, String session) {
    return new SseClient(
        HttpClient.newHttpClient(),
        HttpRequest.newBuilder(uri)
            .header("Accept", "text/event-stream")
            .header("Cookie", "simrun_session=" + session)
            .timeout(Duration.ofMinutes(5))
            .build());
  }

  public int status() throws Exception {
    return response.get(10, TimeUnit.SECONDS).statusCode();
  }

  private void read(HttpResponse<Stream<String>> r) {
    lines = r.body();
    String id = null;
    String name = null;
    StringBuilder data = null;
    try {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Sse(id, name, data.toString()));
          }
          id = null;
          name = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments++;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n'));
          data.append(line.substring(5).stripLeading());
        }
      }
    } catch (RuntimeException e) {
      // the connection went away
    } finally {
      closed.complete(null);
    }
  }

  /** The next event, waiting up to {@code timeout}; fails when none comes. */
  public Sse next(Duration timeout) throws InterruptedException {
    Sse e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError(
          "no event within " + timeout + (isClosed() ? "; stream closed" : ""));
    }
    return e;
  }

  /** Events until the server closes the stream (or {@code timeout} passes, which fails). */
  public List<Sse> untilClosed(Duration timeout) throws Exception {
    closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<Sse> rest = new ArrayList<>();
    events.drainTo(rest);
    return rest;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public int comments() {
    return comments;
  }

  @Override
  public void close() {
    Stream<String> l = lines;
    if (l != null) {
      l.close();
    }
    response.cancel(true);
  }
}
