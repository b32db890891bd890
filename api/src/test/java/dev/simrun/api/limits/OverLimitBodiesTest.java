package dev.simrun.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import dev.simrun.api.testing.Tools;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body over its route's limit gets a 413 problem the client can read, whatever the client: curl
 * (with and without {@code Expect: 100-continue}), Java's HttpClient, and a browser's {@code fetch}
 * in headless Chromium; declared by {@code Content-Length} or sent chunked. Before this, the api
 * closed the connection while the body was still arriving, and the client got a TCP reset instead
 * of the answer, more often the busier the machine.
 *
 * <p>The JSON limit is the default, 1 MiB, which is also where curl starts to send {@code Expect:
 * 100-continue} by itself. The upload limit is 4 MiB here instead of 64 MiB, so that one body size
 * is over both limits and still small. Nothing here depends on how fast anything runs.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverLimitBodiesTest implements TestPropertyProvider {
  private static final String TOO_LARGE = "https://simrun.dev/problems/payload-too-large";
  private static final String SIMULATIONS = "/api/v1/simulations";
  private static final String UPLOADS = "/api/v1/datasets?name=too-big";
  private static final int JSON_LIMIT = 1024 * 1024;
  private static final int UPLOAD_LIMIT = 4 * 1024 * 1024;

  /**
   * What the clients send: far more than both limits, and more than loopback's socket buffers take
   * in one go, so that the client is still sending when it is answered.
   */
  private static final int BODY = 24 * 1024 * 1024;

  private static final int DRAIN = 64 * 1024 * 1024;

  @Inject EmbeddedServer server;
  @Inject Rows rows;

  private final ObjectMapper mapper = new ObjectMapper();
  private Path dir;
  private Path json;
  private Path csv;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.datasets.max-upload-bytes", String.valueOf(UPLOAD_LIMIT));
    p.put("micronaut.server.max-request-size", String.valueOf(2 * UPLOAD_LIMIT));
    p.put("micronaut.server.multipart.max-file-size", String.valueOf(UPLOAD_LIMIT));
    p.put("simrun.api.max-drain-bytes", String.valueOf(DRAIN));
    // The tests never wait for this; it is long so that a stalled client cannot trip it either.
    p.put("simrun.api.drain-idle-timeout", "60s");
    return p;
  }

  @BeforeAll
  void writeBodies() throws IOException {
    dir = Files.createTempDirectory("simrun-over-limit");
    json = Files.writeString(dir.resolve("spec.json"), jsonOf(BODY));
    csv = Files.writeString(dir.resolve("bars.csv"), csvOf(BODY));
    assertThat(Files.size(json)).isGreaterThan(JSON_LIMIT);
    assertThat(Files.size(csv)).isGreaterThan(UPLOAD_LIMIT);
  }

  @AfterAll
  void deleteBodies() throws IOException {
    deleteTree(dir);
  }

  @AfterEach
  void clean() {
    rows.update("DELETE FROM datasets");
    rows.update("DELETE FROM outbox");
    rows.update("DELETE FROM chunks");
    rows.update("DELETE FROM simulations");
  }

  /** A valid submission, made large by its name. */
  static String jsonOf(int bytes) {
    return "{\"kind\":\"test-units\",\"params\":{\"units\":1},\"name\":\""
        + "x".repeat(bytes)
        + "\"}";
  }

  /** Valid daily bars, as many as fit in about {@code bytes}: only the size is wrong. */
  static String csvOf(int bytes) {
    StringBuilder out = new StringBuilder("timestamp,open,high,low,close,volume\n");
    for (long day = 0; out.length() < bytes; day++) {
      out.append(1_700_000_000L + 86_400L * day).append(",100,101,99,100.5,1000\n");
    }
    return out.toString();
  }

  // ------------------------------------------------------------------------------------------ curl

  /**
   * Name, route, the body is the upload (else JSON), curl's extra flags, whether 100 is allowed.
   */
  static Stream<Arguments> curlCases() {
    List<String> expect = List.of("-H", "Expect: 100-continue");
    List<String> noExpect = List.of("-H", "Expect:");
    List<String> chunked = List.of("-H", "Transfer-Encoding: chunked");
    List<Arguments> cases = new ArrayList<>();
    for (boolean upload : List.of(false, true)) {
      String what = upload ? "upload" : "JSON";
      cases.add(Arguments.of(what + ", Content-Length, as curl chooses", upload, List.of(), true));
      cases.add(
          Arguments.of(what + ", Content-Length, Expect: 100-continue", upload, expect, false));
      cases.add(Arguments.of(what + ", Content-Length, no Expect", upload, noExpect, false));
      cases.add(
          Arguments.of(what + ", chunked, no Expect", upload, concat(chunked, noExpect), true));
      // A chunked body has to be read to be judged, so here the api does answer 100 Continue.
      cases.add(
          Arguments.of(
              what + ", chunked, Expect: 100-continue", upload, concat(chunked, expect), true));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("curlCases")
  void curlReadsThe413(String name, boolean upload, List<String> flags, boolean continueAllowed)
      throws Exception {
    Path answer = dir.resolve("answer.json");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Tools.curl().toString(),
            "-sS",
            "-v",
            "-o",
            answer.toString(),
            "-w",
            "%{http_code}",
            "-H",
            "Content-Type: " + (upload ? "text/csv" : "application/json"),
            "-H",
            Api.AUTH + ": " + Api.bearer("ann")));
    command.addAll(flags);
    command.addAll(List.of("--data-binary", "@" + (upload ? csv : json), url(upload)));

    Tools.Run run = Tools.run(command);

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).as(run.toString()).isEqualTo("413");
    assertTooLarge(Files.readString(answer), run.toString());
    assertThat(run.err().toLowerCase(Locale.ROOT)).contains("< connection: close");
    if (!continueAllowed) {
      assertThat(run.err())
          .as("the 413 comes instead of 100 Continue")
          .doesNotContain("< HTTP/1.1 100");
    }
    if (flags.contains("Expect: 100-continue")) {
      assertThat(run.err()).contains("> Expect: 100-continue");
    }
    assertNothingStored();
  }

  // ------------------------------------------------------------------------------ Java HttpClient

  /** Name, the body is the upload (else JSON), sent chunked (else with its length), Expect. */
  static Stream<Arguments> javaCases() {
    List<Arguments> cases = new ArrayList<>();
    for (boolean upload : List.of(false, true)) {
      for (boolean chunked : List.of(false, true)) {
        for (boolean expect : List.of(false, true)) {
          cases.add(
              Arguments.of(
                  (upload ? "upload" : "JSON")
                      + (chunked ? ", chunked" : ", Content-Length")
                      + (expect ? ", Expect: 100-continue" : ""),
                  upload,
                  chunked,
                  expect));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("javaCases")
  void javaHttpClientReadsThe413(String name, boolean upload, boolean chunked, boolean expect)
      throws Exception {
    Path body = upload ? csv : json;
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      // Several rounds: the lost answers this guards against used to come and go.
      for (int round = 0; round < 3; round++) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url(upload)))
                .header("Content-Type", upload ? "text/csv" : "application/json")
                .header(Api.AUTH, Api.bearer("ann"))
                .expectContinue(expect)
                .POST(
                    chunked
                        ? BodyPublishers.ofInputStream(() -> open(body))
                        : BodyPublishers.ofFile(body))
                .build();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith(Api.PROBLEM_JSON));
        assertTooLarge(response.body(), name);
      }
    }
    assertNothingStored();
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------- Chromium

  /**
   * A page of the api's own origin ({@link OverLimitPage}) posts a too-large JSON body and a
   * too-large upload with {@code fetch}; {@code --dump-dom} prints what it read. With {@code
   * --virtual-time-budget} the dump waits for the page's fetches: virtual time stands still while a
   * request is in flight, whatever the wall clock does.
   */
  @Test
  void aBrowsersFetchReadsThe413() throws Exception {
    Path profile = Files.createTempDirectory("simrun-chromium");
    try {
      String page =
          "http://127.0.0.1:"
              + server.getPort()
              + "/test/over-limit-page?json="
              + BODY
              + "&csv="
              + BODY;
      Tools.Run run =
          Tools.run(
              List.of(
                  Tools.chromium().toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + profile,
                  "--virtual-time-budget=60000",
                  "--dump-dom",
                  page));
      String dom = run.out();
      int start = dom.indexOf("<pre id=\"result\">");
      int end = dom.indexOf("</pre>", start);
      assertThat(start).as(run.toString()).isNotNegative();
      String text =
          dom.substring(start + "<pre id=\"result\">".length(), end)
              .replace("&lt;", "<")
              .replace("&gt;", ">")
              .replace("&quot;", "\"")
              .replace("&amp;", "&");
      assertThat(text).as(run.toString()).startsWith("[");
      JsonNode results = mapper.readTree(text);
      assertThat(results).as(text).hasSize(2);
      for (JsonNode result : results) {
        assertThat(result.path("error").isMissingNode()).as(text).isTrue();
        assertThat(result.get("status").asInt()).as(text).isEqualTo(413);
        assertThat(result.get("contentType").asText()).as(text).startsWith(Api.PROBLEM_JSON);
        assertThat(result.get("type").asText()).as(text).isEqualTo(TOO_LARGE);
        assertThat(result.get("detail").asText()).as(text).isNotBlank();
      }
    } finally {
      deleteTree(profile);
    }
    assertNothingStored();
  }

  // ------------------------------------------------------------------------------- raw HTTP/1.1

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {SIMULATIONS, UPLOADS})
  void aDeclaredLengthOverTheLimitIsRefusedInsteadOf100Continue(String path) throws Exception {
    long declared = path.equals(UPLOADS) ? UPLOAD_LIMIT + 1 : JSON_LIMIT + 1;
    try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
      socket.setSoTimeout(60_000); // only against a hang: the answer comes without any body
      socket
          .getOutputStream()
          .write(head(path, declared, "Expect: 100-continue\r\n").getBytes(StandardCharsets.UTF_8));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      assertThat(in.readLine()).startsWith("HTTP/1.1 413");
      List<String> headers = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        headers.add(line.toLowerCase(Locale.ROOT));
      }
      assertThat(headers).contains("connection: close");
      int length =
          headers.stream()
              .filter(h -> h.startsWith("content-length:"))
              .map(h -> Integer.parseInt(h.substring("content-length:".length()).trim()))
              .findFirst()
              .orElseThrow();
      char[] body = new char[length];
      for (int read = 0; read < length; ) {
        read += in.read(body, read, length - read);
      }
      JsonNode problem = mapper.readTree(new String(body));
      assertThat(problem.get("type").asText()).isEqualTo(TOO_LARGE);
      assertThat(problem.get("detail").asText()).contains(String.valueOf(declared));
      assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("Content-Length");
    }
    assertNothingStored();
  }

  /**
   * After its answer the api reads a refused body for at most {@code max-drain-bytes} more, then
   * closes, whether the answer closes the connection (413 for a declared length far over the limit)
   * or keeps it open (422 for a bad dataset name, found before a chunked upload is read). The
   * client here would send for ever.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {SIMULATIONS, "/api/v1/datasets?name=no%20spaces"})
  void aBodyFarPastTheDrainBoundIsCutOff(String path) throws Exception {
    boolean chunked = path.startsWith("/api/v1/datasets");
    try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          (chunked ? head(path, -1, "Transfer-Encoding: chunked\r\n") : head(path, 1L << 40, ""))
              .getBytes(StandardCharsets.UTF_8));
      byte[] data = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
      byte[] block =
          chunked
              ? (Integer.toHexString(data.length) + "\r\n" + new String(data) + "\r\n")
                  .getBytes(StandardCharsets.UTF_8)
              : data;
      long bound = 8L * DRAIN; // far beyond what the drain bound and socket buffers hold
      CompletableFuture<Long> sent =
          CompletableFuture.supplyAsync(
              () -> {
                long written = 0;
                try {
                  while (written < bound) {
                    out.write(block);
                    written += data.length;
                  }
                  return -written;
                } catch (IOException closed) {
                  return written;
                }
              });
      long written = sent.get(3, TimeUnit.MINUTES); // only against a hang
      assertThat(written).as("the api stopped reading: it closed the connection").isPositive();
      assertThat(written).as("it read what the bound allows first").isGreaterThanOrEqualTo(DRAIN);
    }
    assertNothingStored();
  }

  private static String head(String path, long length, String extra) {
    boolean upload = path.startsWith("/api/v1/datasets");
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + Api.AUTH
        + ": "
        + Api.bearer("ann")
        + "\r\nContent-Type: "
        + (upload ? "text/csv" : "application/json")
        + "\r\n"
        + (length < 0 ? "" : "Content-Length: " + length + "\r\n")
        + extra
        + "\r\n";
  }

  // -------------------------------------------------------------------------------------- plumbing

  private String url(boolean upload) {
    return "http://127.0.0.1:" + server.getPort() + (upload ? UPLOADS : SIMULATIONS);
  }

  private void assertTooLarge(String body, String context) throws IOException {
    assertThat(body).as(context).isNotBlank();
    JsonNode problem = mapper.readTree(body);
    assertThat(problem.get("type").asText()).as(body).isEqualTo(TOO_LARGE);
    assertThat(problem.get("status").asInt()).as(body).isEqualTo(413);
    assertThat(problem.get("detail").asText()).as(body).isNotBlank();
  }

  private void assertNothingStored() {
    assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();
    assertThat(rows.pipeline()).isZero();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
