package dev.simrun.emulator.tasks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP target on loopback that records every push and answers as a test tells it to. */
final class TestReceiver implements AutoCloseable {
  /** One push as it arrived; header names are lower case. */
  record Delivery(
      Instant at,
      long nanoTime,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String taskName() {
      return header("X-CloudTasks-TaskName");
    }

    int retryCount() {
      return Integer.parseInt(header("X-CloudTasks-TaskRetryCount"));
    }
  }

  record Response(int status, Map<String, String> headers, long delayMillis) {
    static Response status(int status) {
      return new Response(status, Map.of(), 0);
    }
  }

  @FunctionalInterface
  interface Responder {
    Response respond(Delivery delivery);
  }

  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Responder responder = d -> Response.status(200);

  private TestReceiver(HttpServer server) {
    this.server = server;
  }

  static TestReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
      TestReceiver receiver = new TestReceiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void respond(Responder responder) {
    this.responder = responder;
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  List<Delivery> deliveriesOf(String taskShortName) {
    return deliveries.stream().filter(d -> taskShortName.equals(d.taskName())).toList();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try {
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      Delivery d =
          new Delivery(
              Instant.now(),
              System.nanoTime(),
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              Map.copyOf(headers),
              body);
      deliveries.add(d);
      Response r = responder.respond(d);
      if (r.delayMillis() > 0) {
        Thread.sleep(r.delayMillis());
      }
      r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      // No longer in flight once answered: the emulator may push the next task the moment the
      // answer arrives, before this thread would get past sending it.
      inFlight.decrementAndGet();
      counted = false;
      exchange.sendResponseHeaders(r.status(), -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
