package dev.simrun.shared.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform refuses, at call time, every way into the inside: a loopback server stands for the
 * inside, and counts what reaches it; a test resolver gives names the addresses each case needs. No
 * case may reach the server, and the outcome says no more than {@code Refused}.
 */
class AgentCallsCannotReachInsideTest {
  static final Duration AMPLE = Duration.ofSeconds(30);
  static final int LIMIT = 64 * 1024;

  final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
  final AtomicInteger received = new AtomicInteger();
  final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  HttpServer server;
  int port;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    server.createContext(
        "/",
        e -> {
          received.incrementAndGet();
          byte[] body = "{\"prediction\": 1}".getBytes(StandardCharsets.UTF_8);
          e.sendResponseHeaders(200, body.length);
          try (OutputStream out = e.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  /** Names as this test's DNS answers them; the n-th lookup of a name gets its n-th answer. */
  private HostResolver resolver(Map<String, List<List<String>>> answers) {
    return host -> {
      List<List<String>> byLookup = answers.get(host);
      if (byLookup == null) {
        throw new UnknownHostException(host);
      }
      int n = lookups.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
      List<InetAddress> addresses = new java.util.ArrayList<>();
      for (String a : byLookup.get(Math.min(n, byLookup.size() - 1))) {
        addresses.add(InetAddress.getByName(a));
      }
      return addresses;
    };
  }

  private HttpClientEndpoints endpoints(Egress egress, Map<String, List<List<String>>> answers) {
    return new HttpClientEndpoints(egress, resolver(answers));
  }

  private Endpoints.Outcome post(HttpClientEndpoints endpoints, String url, Duration timeout)
      throws InterruptedException {
    return endpoints.postJson(
        URI.create(url), "{\"day\": 1}".getBytes(StandardCharsets.UTF_8), timeout, LIMIT);
  }

  private void assertRefused(HttpClientEndpoints endpoints, String url)
      throws InterruptedException {
    assertThat(post(endpoints, url, AMPLE)).as(url).isInstanceOf(Endpoints.Refused.class);
    assertThat(received).as("requests that reached the inside").hasValue(0);
  }

  @Test
  void aNameThatResolvesToLoopbackIsRefused() throws Exception {
    // Plain http allowed to this name, so that only its address stands in the way.
    HttpClientEndpoints endpoints =
        endpoints(Egress.STRICT, Map.of("model.example.com", List.of(List.of("127.0.0.1"))));
    assertRefused(endpoints, "https://model.example.com:" + port + "/predict");
    assertThat(lookups.get("model.example.com")).hasValue(1);
  }

  @Test
  void everyAddressOfANameIsChecked() throws Exception {
    HttpClientEndpoints endpoints =
        endpoints(
            Egress.STRICT, Map.of("model.example.com", List.of(List.of("8.8.8.8", "127.0.0.1"))));
    assertRefused(endpoints, "https://model.example.com:" + port + "/predict");
  }

  @Test
  void aNameThatResolvesToPrivateLinkLocalOrUniqueLocalAddressesIsRefused() throws Exception {
    HttpClientEndpoints endpoints =
        endpoints(
            Egress.STRICT,
            Map.of(
                "ten.example.com", List.of(List.of("10.1.2.3")),
                "meta.example.com", List.of(List.of("169.254.169.254")),
                "ula.example.com", List.of(List.of("fd00:ec2::254")),
                "mapped.example.com", List.of(List.of("::ffff:127.0.0.1")),
                "multicast.example.com", List.of(List.of("239.1.1.1"))));
    for (String host : List.of("ten", "meta", "ula", "mapped", "multicast")) {
      assertRefused(endpoints, "https://" + host + ".example.com:" + port + "/predict");
    }
  }

  /**
   * DNS rebinding: the name's first answer is public, its next one loopback. The call looks up the
   * name once and connects to the address it checked, so the loopback answer is never used by that
   * call; the next call gets the loopback answer and is refused before it sends anything.
   */
  @Test
  void aNameRebindingToLoopbackBetweenCheckAndConnectDoesNotReachIt() throws Exception {
    HttpClientEndpoints endpoints =
        endpoints(
            Egress.STRICT,
            // 192.0.2.x would be refused as documentation; 1.1.1.1 is public. Port 9 (discard) on
            // it never answers HTTP: the call fails or times out, wherever this test runs.
            Map.of("rebind.example.com", List.of(List.of("1.1.1.1"), List.of("127.0.0.1"))));
    Endpoints.Outcome first =
        post(endpoints, "https://rebind.example.com:" + port + "/predict", Duration.ofMillis(500));
    assertThat(first).isNotInstanceOf(Endpoints.Answered.class);
    assertThat(lookups.get("rebind.example.com")).as("one lookup per call").hasValue(1);
    assertThat(received).hasValue(0);
    assertRefused(endpoints, "https://rebind.example.com:" + port + "/predict");
    assertThat(lookups.get("rebind.example.com")).hasValue(2);
  }

  @Test
  void theMetadataServerWithATrailingDotIsRefusedBeforeAnyLookup() throws Exception {
    HttpClientEndpoints endpoints =
        endpoints(
            Egress.STRICT, Map.of("metadata.google.internal.", List.of(List.of("127.0.0.1"))));
    assertRefused(endpoints, "https://metadata.google.internal.:" + port + "/computeMetadata/v1/");
    assertThat(lookups).isEmpty();
  }

  @Test
  void literalSpellingsOfInsideAddressesAreRefused() throws Exception {
    HttpClientEndpoints endpoints = endpoints(Egress.STRICT, Map.of());
    for (String host :
        List.of(
            "127.0.0.1",
            "[::ffff:127.0.0.1]",
            "[::1]",
            "2130706433",
            "0177.0.0.1",
            "0x7f000001",
            "[::ffff:169.254.169.254]",
            "2852039166")) {
      assertRefused(endpoints, "https://" + host + ":" + port + "/predict");
    }
    assertRefused(endpoints, "https://good@127.0.0.1:" + port + "/predict");
    assertThat(lookups).isEmpty();
  }

  @Test
  void plainHttpGoesOnlyToAllowedHosts() throws Exception {
    HttpClientEndpoints strict =
        endpoints(Egress.STRICT, Map.of("model.example.com", List.of(List.of("8.8.8.8"))));
    assertRefused(strict, "http://model.example.com:" + port + "/predict");
    assertThat(lookups).isEmpty();

    // The operator's list: the local stack's own model, as a name or as its address.
    HttpClientEndpoints allowing =
        endpoints(
            Egress.allowing(List.of("127.0.0.1", "model.local.test")),
            Map.of("model.local.test", List.of(List.of("127.0.0.1"))));
    assertThat(post(allowing, "http://127.0.0.1:" + port + "/predict", AMPLE))
        .isInstanceOfSatisfying(
            Endpoints.Answered.class, a -> assertThat(a.status()).isEqualTo(200));
    assertThat(post(allowing, "http://model.local.test.:" + port + "/predict", AMPLE))
        .isInstanceOf(Endpoints.Answered.class);
    assertThat(received).hasValue(2);
  }

  @Test
  void aNameThatDoesNotResolveFails() throws Exception {
    HttpClientEndpoints endpoints = endpoints(Egress.STRICT, Map.of());
    assertThat(post(endpoints, "https://nowhere.example.com/predict", AMPLE))
        .isInstanceOf(Endpoints.Failed.class);
  }
}
