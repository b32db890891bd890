package dev.simrun.shared.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import dev.simrun.kinds.Endpoints.Answered;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The platform's endpoints against a real HTTP server on loopback. */
class HttpClientEndpointsTest {
  /** A limit no answer of this server comes near, however busy the machine. */
  static final Duration AMPLE = Duration.ofSeconds(30);

  static final int LIMIT = 64 * 1024;

  /** The platform's endpoints with this test's server, on loopback, as the one allowed host. */
  final HttpClientEndpoints endpoints =
      new HttpClientEndpoints(Egress.allowing(List.of("127.0.0.1")), HostResolver.SYSTEM);

  final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
  final CountDownLatch testOver = new CountDownLatch(1);
  final CountDownLatch received = new CountDownLatch(1);
  final AtomicReference<String> request = new AtomicReference<>();
  HttpServer server;
  String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/echo", e -> answer(e, 200, body(e)));
    server.createContext("/busy", e -> answer(e, 503, "{\"error\": \"busy\"}"));
    server.createContext("/large", e -> answer(e, 200, "1".repeat(LIMIT + 1)));
    server.createContext("/moved", this::redirect);
    server.createContext("/held", this::hold);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    testOver.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private String body(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    request.set(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestHeaders().getFirst("Content-Type")
            + " "
            + exchange.getRequestHeaders().getFirst("Accept")
            + " "
            + body);
    return body;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void redirect(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().add("Location", base + "/echo");
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  /** Answers only when the test is over (or after 30 s). */
  private void hold(HttpExchange exchange) throws IOException {
    received.countDown();
    try {
      testOver.await(30, TimeUnit.SECONDS);
      answer(exchange, 200, "{}");
    } catch (InterruptedException | IOException e) {
      // The client gave up or the server is stopping.
    } finally {
      exchange.close();
    }
  }

  private Endpoints.Outcome post(String path, Duration timeout) throws InterruptedException {
    return endpoints.postJson(
        URI.create(base + path), "{\"day\": 41}".getBytes(StandardCharsets.UTF_8), timeout, LIMIT);
  }

  @Test
  void postsJsonAndReturnsTheStatusAndBody() throws Exception {
    assertThat(post("/echo", AMPLE))
        .isInstanceOfSatisfying(
            Answered.class,
            a -> {
              assertThat(a.status()).isEqualTo(200);
              assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("{\"day\": 41}");
            });
    assertThat(request.get()).isEqualTo("POST application/json application/json {\"day\": 41}");
    assertThat(post("/busy", AMPLE))
        .isInstanceOfSatisfying(Answered.class, a -> assertThat(a.status()).isEqualTo(503));
  }

  @Test
  void aRedirectIsAnAnswerNotFollowed() throws Exception {
    assertThat(post("/moved", AMPLE))
        .isInstanceOfSatisfying(Answered.class, a -> assertThat(a.status()).isEqualTo(302));
    assertThat(request.get()).isNull();
  }

  @Test
  void aBodyOverTheLimitIsNotRead() throws Exception {
    assertThat(post("/large", AMPLE)).isInstanceOf(Endpoints.TooLarge.class);
  }

  @Test
  void anAnswerLaterThanTheTimeoutTimesOut() throws Exception {
    assertThat(post("/held", Duration.ofMillis(150))).isInstanceOf(Endpoints.TimedOut.class);
  }

  @Test
  void aLookupLongerThanTheTimeoutTimesOut() throws Exception {
    HttpClientEndpoints slowDns =
        new HttpClientEndpoints(
            Egress.allowing(List.of("model.local.test")),
            host -> {
              try {
                testOver.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new java.net.UnknownHostException(host);
            });
    Endpoints.Outcome outcome =
        slowDns.postJson(
            URI.create("http://model.local.test:" + server.getAddress().getPort() + "/echo"),
            new byte[0],
            Duration.ofMillis(150),
            LIMIT);
    assertThat(outcome).isInstanceOf(Endpoints.TimedOut.class);
    assertThat(request.get()).isNull();
    slowDns.close();
  }

  @Test
  void aRefusedConnectionFails() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Endpoints.Outcome outcome =
        endpoints.postJson(
            URI.create("http://127.0.0.1:" + closed + "/predict"), new byte[0], AMPLE, LIMIT);
    assertThat(outcome).isInstanceOf(Endpoints.Failed.class);
  }

  @Test
  void anInterruptedCallerStopsWaiting() throws Exception {
    AtomicReference<Object> ended = new AtomicReference<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    ended.set(post("/held", AMPLE));
                  } catch (InterruptedException e) {
                    ended.set(e);
                  }
                });
    assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    assertThat(caller.join(AMPLE)).isTrue();
    assertThat(ended.get()).isInstanceOf(InterruptedException.class);
  }
}
