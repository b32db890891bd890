package dev.simrun.shared.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections are kept alive and reused, yet every new one is looked up and checked again: the
 * resolver runs once per connection, never bypassed. What a pooled client must not do either: read
 * past a body's limit to keep a connection, retry, or carry a cookie from one call to the next.
 */
class KeptAliveConnectionsTest {
  static final Duration AMPLE = Duration.ofSeconds(30);
  static final int LIMIT = 64 * 1024;
  static final String HOST = "model.local.test";

  final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
  final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  final AtomicInteger lookups = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  final CountDownLatch bothHeld = new CountDownLatch(2);
  final CountDownLatch testOver = new CountDownLatch(1);
  final AtomicReference<String> cookie = new AtomicReference<>();
  final AtomicBoolean endlessBodyCutOff = new AtomicBoolean();
  final CountDownLatch endlessBodyOver = new CountDownLatch(1);
  HttpServer server;
  HttpClientEndpoints endpoints;
  String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/predict", e -> answer(e, 200, "{\"prediction\": 1}"));
    server.createContext("/busy", e -> answer(e, 503, "{}"));
    server.createContext(
        "/cookie",
        e -> {
          cookie.set(e.getRequestHeaders().getFirst("Cookie"));
          e.getResponseHeaders().add("Set-Cookie", "session=owner-a; Path=/");
          answer(e, 200, "{}");
        });
    server.createContext("/held", this::held);
    server.createContext("/endless", this::endless);
    server.start();
    base = "http://" + HOST + ":" + server.getAddress().getPort();
    endpoints =
        new HttpClientEndpoints(
            Egress.allowing(List.of(HOST)),
            host -> {
              lookups.incrementAndGet();
              return List.of(InetAddress.getLoopbackAddress());
            });
  }

  @AfterEach
  void stop() {
    testOver.countDown();
    endpoints.close();
    server.stop(0);
    serverThreads.shutdownNow();
    callers.shutdownNow();
  }

  private void answer(HttpExchange e, int status, String body) throws IOException {
    requests.incrementAndGet();
    clientPorts.add(e.getRemoteAddress().getPort());
    e.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers once two calls are held at the same time: they cannot share a connection. */
  private void held(HttpExchange e) throws IOException {
    bothHeld.countDown();
    try {
      bothHeld.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    answer(e, 200, "{}");
  }

  /** A body without end, written until the client goes away (or 256 MiB). */
  private void endless(HttpExchange e) throws IOException {
    e.getRequestBody().readAllBytes();
    e.sendResponseHeaders(200, 0);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = e.getResponseBody()) {
      for (int i = 0; i < 4096; i++) {
        out.write(block);
      }
    } catch (IOException cutOff) {
      endlessBodyCutOff.set(true);
    } finally {
      endlessBodyOver.countDown();
    }
  }

  private Endpoints.Outcome post(String path) throws InterruptedException {
    return endpoints.postJson(
        URI.create(base + path), "{\"day\": 1}".getBytes(StandardCharsets.UTF_8), AMPLE, LIMIT);
  }

  @Test
  void callsOneAfterAnotherShareOneConnectionAndOneLookup() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(post("/predict")).isInstanceOf(Endpoints.Answered.class);
    }
    assertThat(requests).hasValue(3);
    assertThat(clientPorts).as("connections used").hasSize(1);
    assertThat(lookups).hasValue(1);
  }

  @Test
  void everyNewConnectionIsLookedUpAndCheckedAgain() throws Exception {
    Future<Endpoints.Outcome> first = callers.submit(() -> post("/held"));
    Future<Endpoints.Outcome> second = callers.submit(() -> post("/held"));
    assertThat(first.get(30, TimeUnit.SECONDS)).isInstanceOf(Endpoints.Answered.class);
    assertThat(second.get(30, TimeUnit.SECONDS)).isInstanceOf(Endpoints.Answered.class);
    assertThat(clientPorts).as("connections used").hasSize(2);
    assertThat(lookups).as("one lookup per connection").hasValue(2);
  }

  @Test
  void aBodyPastTheLimitIsCutOffNotReadToKeepTheConnection() throws Exception {
    assertThat(post("/endless")).isInstanceOf(Endpoints.TooLarge.class);
    assertThat(endlessBodyOver.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(endlessBodyCutOff).as("the server could not write it all").isTrue();
    assertThat(post("/predict")).isInstanceOf(Endpoints.Answered.class);
  }

  @Test
  void aBusyAnswerIsOneRequestNotRetried() throws Exception {
    assertThat(post("/busy"))
        .isInstanceOfSatisfying(
            Endpoints.Answered.class, a -> assertThat(a.status()).isEqualTo(503));
    assertThat(requests).hasValue(1);
  }

  @Test
  void noCookieIsKeptFromOneCallToTheNext() throws Exception {
    assertThat(post("/cookie")).isInstanceOf(Endpoints.Answered.class);
    assertThat(post("/cookie")).isInstanceOf(Endpoints.Answered.class);
    assertThat(cookie.get()).isNull();
  }
}
