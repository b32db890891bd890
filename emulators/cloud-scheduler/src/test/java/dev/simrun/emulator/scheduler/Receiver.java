package dev.simrun.emulator.scheduler;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A local HTTP target (the JDK's server) that records each push and answers as told. */
final class Receiver implements AutoCloseable {
  /** One push as received: headers by lower-case name. */
  record Push(String method, String path, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** What to answer; {@code hold} keeps the response back until released. */
  record Answer(int status, CountDownLatch hold) {
    static Answer status(int status) {
      return new Answer(status, null);
    }
  }

  private final HttpServer server;
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private volatile Function<Push, Answer> answer = p -> Answer.status(200);

  Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
          Push push =
              new Push(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  headers,
                  exchange.getRequestBody().readAllBytes());
          pushes.add(push);
          Answer a = answer.apply(push);
          if (a.hold() != null) {
            try {
              a.hold().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(a.status(), -1);
          exchange.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void answer(Function<Push, Answer> answer) {
    this.answer = answer;
  }

  List<Push> pushes(String path) {
    return pushes.stream().filter(p -> p.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
