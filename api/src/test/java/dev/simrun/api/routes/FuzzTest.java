package dev.simrun.api.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.routes.FuzzRequests.Fuzzed;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.BadTokens;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.simulations.ChunkFailures;
import dev.simrun.shared.simulations.ChunkStore;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@value #DEFAULT_REQUESTS} generated requests ({@link FuzzRequests}) across every route of
 * {@link ApiRoutes}, one at a time, and holds every answer to what the api promises (issue #13,
 * invariants 6 and 8): no 5xx at all; every answer that is not a success is {@code
 * application/problem+json} whose {@code type}, {@code title} and {@code status} are there, the
 * status the HTTP status; and a refused request that could change something changed no row of any
 * table.
 *
 * <p>The seed is fixed and logged; {@code -Dsimrun.fuzz.seed=<n>} and {@code
 * -Dsimrun.fuzz.requests=<n>} run another sequence. The summary (requests by route and status
 * class) is printed and written to {@code target/fuzz-summary.md}; docs/fuzz.md records the figure.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest implements TestPropertyProvider {
  private static final Logger LOG = LoggerFactory.getLogger(FuzzTest.class);
  static final int DEFAULT_REQUESTS = 10_000;
  static final long DEFAULT_SEED = 13_2026L;

  /**
   * The dispatcher deletes outbox rows in the background once their task exists, whoever wrote
   * them; that table's id sequence still shows every row ever inserted.
   */
  private static final Set<String> BACKGROUND = Set.of("outbox");

  /** No refusal needs this much: a bigger one echoes what it was sent (or worse). */
  private static final int MAX_ANSWER = 1 << 20;

  /** Distinct failures reported in full; the rest are counted. */
  private static final int EXAMPLES = 40;

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject ChunkStore chunks;
  @Inject ChunkFailures failures;
  @Inject EmbeddedServer server;

  FuzzRequests.Credentials credentials;
  Resources.Owned ann;
  Resources.Owned bob;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    // The reconciler's passes change rows on their own; between two counts nothing else may.
    p.put("simrun.reconcile.enabled", "false");
    // An owner's event stream answers with its first line, a heartbeat at the latest: sooner here,
    // so that a stream that opened is seen to have opened without waiting 15 s.
    p.put("simrun.stream.heartbeat", "200ms");
    return p;
  }

  @BeforeAll
  void makeResources() {
    Api api = new Api(http, json);
    Resources resources = new Resources(api, chunks, failures);
    ann = resources.of("fuzz-ann");
    bob = resources.of("fuzz-bob");
    Api.Reply session =
        api.exchange(
            HttpRequest.POST("/api/v1/session", "")
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.bearer("fuzz-ann")));
    String cookie = session.headers().get(HttpHeaders.SET_COOKIE);
    credentials =
        new FuzzRequests.Credentials(
            Api.bearer("fuzz-ann"),
            Api.bearer("fuzz-bob"),
            Api.operatorBearer("fuzz-olga"),
            BadTokens.of("fuzz-ann"),
            TestStack.userToken("fuzz-ann"),
            cookie.substring("simrun_session=".length(), cookie.indexOf(';')));
  }

  /** What came back: status, content type and body; status -1 when no answer came. */
  record Answer(int status, String contentType, String body, String error, String connection) {}

  @Test
  void generatedRequestsAcrossEveryRouteGetNo5xxOnlyProblemsAndRefusalsWriteNothing()
      throws Exception {
    long seed = Long.getLong("simrun.fuzz.seed", DEFAULT_SEED);
    int requests = Integer.getInteger("simrun.fuzz.requests", DEFAULT_REQUESTS);
    LOG.info("fuzzing {} requests with seed {} (-Dsimrun.fuzz.seed={})", requests, seed, seed);
    FuzzRequests generator = new FuzzRequests(new Random(seed), credentials, ann, bob);
    java.net.http.HttpClient client =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    Tally tally = new Tally();
    Map<String, String> before = null;
    for (int i = 0; i < requests; i++) {
      Fuzzed f = generator.next();
      if (f.changes() && before == null) {
        before = rows.fingerprint(BACKGROUND);
      }
      long start = System.nanoTime();
      Answer a = send(client, f);
      tally.count(f, a, System.nanoTime() - start);
      tally.recent(i, f, a);
      String problem = check(a);
      if (problem == null && a.status() >= 200 && a.status() < 300) {
        problem = admitted(f);
      }
      if (problem != null) {
        tally.fail(problem, i, f, a);
      }
      if (f.changes()) {
        if (a.status() >= 400 && a.status() < 500) {
          tally.rowsCounted++;
          long counting = System.nanoTime();
          Map<String, String> after = rows.fingerprint(BACKGROUND);
          tally.countingNanos += System.nanoTime() - counting;
          if (!after.equals(before)) {
            tally.fail("rows changed by a refused request: " + diff(before, after), i, f, a);
          }
          before = after;
        } else {
          before = null;
        }
      }
    }

    String summary = tally.summary(seed, requests);
    System.out.println(summary);
    Path out = Path.of("target", "fuzz-summary.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, summary);
    assertThat(tally.total).isGreaterThanOrEqualTo(requests);
    assertThat(tally.failures).as(tally.failureReport(seed)).isEmpty();
  }

  /**
   * Micronaut's limit on a request line ({@code micronaut.server.netty.max-initial-line-length}). A
   * longer one is answered in HTTP/1.0 (the version was never read) and its connection closed.
   * Java's HttpClient then races the close while still sending, and would reuse the connection
   * besides: such requests are written, without their body, on a socket of their own, and the
   * answer read to its end.
   */
  private static final int MAX_REQUEST_LINE = 4096;

  private Answer send(java.net.http.HttpClient client, Fuzzed f) {
    if (f.method().length() + f.uri().length() + " HTTP/1.1".length() + 1 <= MAX_REQUEST_LINE) {
      return exchange(client, f);
    }
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.getPort())) {
      socket.setSoTimeout(60_000);
      java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
      StringBuilder head = new StringBuilder(f.method()).append(' ').append(f.uri());
      head.append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(server.getPort()).append("\r\n");
      f.headers().forEach(h -> head.append(h[0]).append(": ").append(h[1]).append("\r\n"));
      // Without its body: the api answers before reading one and closes, and a body still being
      // sent then can make the kernel reset the connection and lose the answer.
      head.append("Content-Length: 0");
      request.writeBytes(head.append("\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(request.toByteArray());
      socket.getOutputStream().flush();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      if (end < 0) {
        return new Answer(-1, "", "", "no complete answer: " + answer, "");
      }
      String[] lines = answer.substring(0, end).split("\r\n");
      String type = "";
      String connection = "";
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Content-Type")) {
          type = line.substring(colon + 1).trim();
        } else if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Connection")) {
          connection = line.substring(colon + 1).trim();
        }
      }
      byte[] body = answer.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
      return new Answer(
          Integer.parseInt(lines[0].split(" ")[1]),
          type,
          new String(body, StandardCharsets.UTF_8),
          null,
          connection.isEmpty() ? "(" + lines[0].split(" ")[0] + ")" : connection);
    } catch (IOException | RuntimeException e) {
      return new Answer(-1, "", "", e.toString(), "");
    }
  }

  private Answer exchange(java.net.http.HttpClient client, Fuzzed f) {
    URI uri = URI.create("http://127.0.0.1:" + server.getPort() + f.uri());
    java.net.http.HttpRequest.BodyPublisher body =
        f.body() == null
            ? BodyPublishers.noBody()
            : f.chunked() ? chunked(f.body()) : BodyPublishers.ofByteArray(f.body());
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .method(f.method(), body);
    for (String[] h : f.headers()) {
      b.header(h[0], h[1]);
    }
    try {
      HttpResponse<InputStream> r =
          client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      String type = r.headers().firstValue("Content-Type").orElse("");
      String connection = r.headers().firstValue("Connection").orElse("");
      try (InputStream in = r.body()) {
        if (r.statusCode() == 200 && type.startsWith(MediaType.TEXT_EVENT_STREAM)) {
          // A stream that opened stays open: closing it is what a client that goes away does.
          return new Answer(r.statusCode(), type, "", null, connection);
        }
        return new Answer(
            r.statusCode(),
            type,
            new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8),
            null,
            connection);
      }
    } catch (IOException e) {
      return new Answer(-1, "", "", e.toString(), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The body of unknown length: sent chunked. */
  private static java.net.http.HttpRequest.BodyPublisher chunked(byte[] bytes) {
    java.net.http.HttpRequest.BodyPublisher whole = BodyPublishers.ofByteArray(bytes);
    return BodyPublishers.fromPublisher(
        (Flow.Subscriber<? super ByteBuffer> s) -> whole.subscribe(s));
  }

  /** Credentials that sign nobody in. */
  private static final Set<String> NOBODY =
      Set.of(
          "none",
          "forged signature",
          "expired",
          "wrong audience",
          "wrong issuer",
          "garbage",
          "unsigned",
          "forged cookie",
          "token in query");

  /** What is wrong with a success, or null: only a signed-in caller gets past a guarded route. */
  private static String admitted(Fuzzed f) {
    // The route that answered: the generator sometimes sends another method to a route's path.
    ApiRoutes.Route route =
        f.route() == null
            ? null
            : ApiRoutes.ALL.stream()
                .filter(r -> r.template().equals(f.route().template()))
                .filter(r -> r.method().name().equals(f.method()))
                .findFirst()
                .orElse(null);
    boolean anonymous = route != null && route.access() == ApiRoutes.Access.ANONYMOUS;
    if (NOBODY.contains(f.credentials())
        && (!anonymous || f.credentials().equals("token in query"))) {
      return "a success for a caller signed in by nobody (" + f.credentials() + ")";
    }
    if (f.credentials().equals("cookie without csrf") && f.changes()) {
      return "a change made through the session cookie without the CSRF header";
    }
    if (route != null
        && route.access() == ApiRoutes.Access.OPERATOR
        && !f.credentials().equals("operator")) {
      return "an operator route succeeded for a non-operator";
    }
    return null;
  }

  /** What is wrong with the answer, or null. */
  private String check(Answer a) {
    if (a.status() < 0) {
      return "no answer (" + a.error() + ")";
    }
    if (a.status() >= 500) {
      return a.status() + " answered";
    }
    if (a.status() < 300) {
      return null;
    }
    if (a.body().getBytes(StandardCharsets.UTF_8).length >= MAX_ANSWER) {
      return a.status() + " answer of " + MAX_ANSWER + " bytes or more";
    }
    if (!a.contentType().startsWith(Api.PROBLEM_JSON)) {
      return a.status() + " not problem+json but '" + a.contentType() + "'";
    }
    JsonNode p;
    try {
      p = json.readValue(a.body(), JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return a.status() + " problem+json that is not JSON";
    }
    if (p == null || !p.isObject()) {
      return a.status() + " problem+json that is not a JSON object";
    }
    JsonNode type = p.get("type");
    JsonNode title = p.get("title");
    JsonNode status = p.get("status");
    if (type == null || !type.isString() || type.getStringValue().isBlank()) {
      return a.status() + " problem without a type";
    }
    if (title == null || !title.isString() || title.getStringValue().isBlank()) {
      return a.status() + " problem without a title";
    }
    if (status == null || !status.isNumber() || status.getIntValue() != a.status()) {
      return a.status() + " problem whose status is " + status;
    }
    return null;
  }

  private static String diff(Map<String, String> before, Map<String, String> after) {
    Map<String, String> changed = new TreeMap<>();
    for (String table : after.keySet()) {
      if (!after.get(table).equals(before.get(table))) {
        changed.put(table, before.get(table) + " -> " + after.get(table));
      }
    }
    return changed.toString();
  }

  /** Requests by route and status class, and the failures with one example each. */
  private static final class Tally {
    int total;
    long countingNanos;
    int rowsCounted;
    final Map<String, Long> nanosByRoute = new TreeMap<>();
    final Map<String, Long> maxNanosByRoute = new TreeMap<>();
    final Map<String, int[]> byRoute = new TreeMap<>();
    final Map<String, int[]> byCredentials = new TreeMap<>();
    final Map<Integer, Integer> byStatus = new TreeMap<>();
    final Map<String, Integer> failures = new LinkedHashMap<>();
    final Map<String, String> examples = new LinkedHashMap<>();

    void count(Fuzzed f, Answer a, long nanos) {
      total++;
      nanosByRoute.merge(f.label(), nanos, Long::sum);
      maxNanosByRoute.merge(f.label(), nanos, Math::max);
      int c = a.status() < 0 ? 4 : Math.min(3, a.status() / 100 - 2);
      byRoute.computeIfAbsent(f.label(), k -> new int[5])[Math.max(0, c)]++;
      byCredentials.computeIfAbsent(f.credentials(), k -> new int[5])[Math.max(0, c)]++;
      byStatus.merge(a.status(), 1, Integer::sum);
    }

    final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    /** The last few requests, for what came before a failure. */
    void recent(int index, Fuzzed f, Answer a) {
      if (recent.size() == 4) {
        recent.removeFirst();
      }
      String uri = f.uri().length() > 80 ? f.uri().substring(0, 80) + "…" : f.uri();
      recent.addLast(
          "#"
              + index
              + " "
              + f.method()
              + " "
              + uri
              + " ["
              + f.credentials()
              + ", "
              + f.shape()
              + (f.body() == null ? "" : ", " + f.body().length + " bytes")
              + (f.chunked() ? ", chunked" : "")
              + "] -> "
              + a.status()
              + (a.connection().isEmpty() ? "" : " Connection: " + a.connection()));
    }

    void fail(String what, int index, Fuzzed f, Answer a) {
      String key = f.label() + ": " + what;
      failures.merge(key, 1, Integer::sum);
      if (examples.size() < EXAMPLES && !examples.containsKey(key)) {
        examples.put(
            key,
            "request #"
                + index
                + " (credentials: "
                + f.credentials()
                + ", body: "
                + f.shape()
                + ")\n"
                + f.describe()
                + "\n  -> "
                + a.status()
                + " "
                + a.contentType()
                + " "
                + (a.body().length() > 500 ? a.body().substring(0, 500) + "…" : a.body())
                + "\n  after:\n    "
                + String.join("\n    ", recent));
      }
    }

    String failureReport(long seed) {
      StringBuilder b = new StringBuilder("failures with seed " + seed + ":\n");
      failures.forEach((k, n) -> b.append("- ").append(n).append(" × ").append(k).append('\n'));
      examples.forEach((k, e) -> b.append("\n").append(k).append("\n").append(e).append('\n'));
      return b.toString();
    }

    String summary(long seed, int requests) {
      StringBuilder b = new StringBuilder();
      b.append("Fuzz: ")
          .append(total)
          .append(" requests, seed ")
          .append(seed)
          .append(", ")
          .append(failures.values().stream().mapToInt(Integer::intValue).sum())
          .append(" failures\n\n");
      table(b, "route", byRoute);
      b.append('\n');
      table(b, "credentials", byCredentials);
      b.append("\nBy status: ").append(byStatus).append('\n');
      b.append("\nRefused requests that could change something, every table counted before and")
          .append(" after: ")
          .append(rowsCounted)
          .append('\n');
      b.append("\nTime (not asserted), mean / max ms by route:");
      nanosByRoute.forEach(
          (k, n) ->
              b.append(
                  String.format(
                      "%n  %s: %.1f / %.0f",
                      k,
                      n / 1e6 / java.util.Arrays.stream(byRoute.get(k)).sum(),
                      maxNanosByRoute.get(k) / 1e6)));
      b.append(String.format("%n  counting rows: %.0f ms in all%n", countingNanos / 1e6));
      return b.toString();
    }

    private static void table(StringBuilder b, String what, Map<String, int[]> rows) {
      b.append("| ").append(what).append(" | 2xx | 3xx | 4xx | 5xx | no answer |\n");
      b.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
      int[] sum = new int[5];
      rows.forEach(
          (k, v) -> {
            b.append("| ").append(k);
            for (int i = 0; i < 5; i++) {
              b.append(" | ").append(v[i]);
              sum[i] += v[i];
            }
            b.append(" |\n");
          });
      b.append("| all");
      for (int i = 0; i < 5; i++) {
        b.append(" | ").append(sum[i]);
      }
      b.append(" |\n");
    }
  }
}
