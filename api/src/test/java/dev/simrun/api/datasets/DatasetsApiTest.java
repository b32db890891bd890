package dev.simrun.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dataset uploads over real HTTP into a real PostgreSQL: good ones are stored compactly and listed
 * for their owner only; every bad one gets problem+json naming the line and stores nothing.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetsApiTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";
  private static final String HEADER = "timestamp,open,high,low,close,volume\n";
  private static final int MAX_ROWS = 500;
  private static final int MAX_REQUEST = 256 * 1024;
  private static final int MAX_BODY = 16 * 1024;

  @Inject EmbeddedServer server;
  @Inject Rows rows;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper mapper = new ObjectMapper();

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.datasets.max-rows", String.valueOf(MAX_ROWS));
    p.put("simrun.datasets.max-upload-bytes", String.valueOf(MAX_REQUEST));
    p.put("micronaut.server.max-request-size", String.valueOf(4 * MAX_REQUEST));
    p.put("micronaut.server.multipart.max-file-size", String.valueOf(MAX_REQUEST));
    p.put("simrun.api.max-body-bytes", String.valueOf(MAX_BODY));
    p.put("simrun.datasets.max-concurrent-uploads", "1");
    return p;
  }

  @AfterEach
  void clean() {
    rows.update("DELETE FROM datasets");
    rows.update("DELETE FROM outbox");
    rows.update("DELETE FROM chunks");
    rows.update("DELETE FROM simulations");
  }

  /** {@code n} daily bars from 2024-01-01, a gentle zigzag. */
  static String bars(int n) {
    StringBuilder csv = new StringBuilder(HEADER);
    LocalDate day = LocalDate.of(2024, 1, 1);
    for (int i = 0; i < n; i++) {
      double close = 100 + (i % 7) - (i % 3) * 0.5;
      csv.append(day.plusDays(i))
          .append(',')
          .append(close - 0.25)
          .append(',')
          .append(close + 1)
          .append(',')
          .append(close - 1)
          .append(',')
          .append(close)
          .append(',')
          .append(1000 + i)
          .append('\n');
    }
    return csv.toString();
  }

  @Test
  void aCsvBodyIsStoredCompactlyAndListedForItsOwnerOnly() throws Exception {
    String csv = bars(400);
    Reply created = upload("ann", "daily.aaa", BodyPublishers.ofString(csv));
    assertThat(created.status).as(created.body).isEqualTo(201);
    JsonNode dataset = created.json();
    String id = dataset.get("id").asText();
    assertThat(created.response.headers().firstValue("Location"))
        .hasValue("/api/v1/datasets/" + id);
    assertThat(dataset.get("name").asText()).isEqualTo("daily.aaa");
    assertThat(dataset.get("rows").asInt()).isEqualTo(400);
    assertThat(dataset.get("firstAt").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(dataset.get("lastAt").asText()).isEqualTo("2025-02-03T00:00:00Z");
    assertThat(dataset.get("csvBytes").asLong()).isEqualTo(csv.length());
    assertThat(dataset.get("storedBytes").asLong()).isLessThan(csv.length() / 2);

    JsonNode mine = get("ann", "/api/v1/datasets").json();
    assertThat(mine.get("items")).hasSize(1);
    assertThat(mine.get("items").get(0).get("id").asText()).isEqualTo(id);
    assertThat(get("ann", "/api/v1/datasets/" + id).json().get("rows").asInt()).isEqualTo(400);

    assertThat(get("bob", "/api/v1/datasets").json().get("items")).isEmpty();
    Reply theirs = get("bob", "/api/v1/datasets/" + id);
    assertThat(theirs.status).isEqualTo(404);
    assertThat(theirs.contentType()).isEqualTo(Api.PROBLEM_JSON);
  }

  @Test
  void theListIsPagedNewestFirstAndEachViewReadsBackAsCreated() throws Exception {
    List<JsonNode> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Reply r = upload("ann", "set-" + i, BodyPublishers.ofString(bars(20 + i)));
      assertThat(r.status).as(r.body).isEqualTo(201);
      created.add(r.json());
    }
    upload("bob", "not-ann", BodyPublishers.ofString(bars(5)));

    JsonNode first = get("ann", "/api/v1/datasets?limit=2").json();
    assertThat(first.get("items")).hasSize(2);
    assertThat(first.get("items").get(0)).isEqualTo(created.get(2));
    assertThat(first.get("items").get(1)).isEqualTo(created.get(1));
    String cursor = first.get("nextCursor").asText();

    JsonNode second = get("ann", "/api/v1/datasets?limit=2&cursor=" + cursor).json();
    assertThat(second.get("items")).hasSize(1);
    assertThat(second.get("items").get(0)).isEqualTo(created.get(0));
    assertThat(second.get("nextCursor") == null || second.get("nextCursor").isNull()).isTrue();

    String id = created.get(0).get("id").asText();
    assertThat(get("ann", "/api/v1/datasets/" + id).json()).isEqualTo(created.get(0));

    Reply bad = get("ann", "/api/v1/datasets?cursor=not-a-cursor");
    assertThat(bad.status).isEqualTo(400);
    assertThat(bad.contentType()).isEqualTo(Api.PROBLEM_JSON);
  }

  @Test
  void aMultipartFileIsNamedAfterItsFilename() throws Exception {
    String boundary = "simrun-boundary-7d1f";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prices ES.csv\""
            + "\r\nContent-Type: text/csv\r\n\r\n"
            + bars(50)
            + "\r\n--"
            + boundary
            + "--\r\n";
    HttpRequest request =
        HttpRequest.newBuilder(uri("/api/v1/datasets"))
            .header(Api.AUTH, Api.bearer("ann"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(BodyPublishers.ofString(body))
            .build();
    Reply created = send(request);
    assertThat(created.status).as(created.body).isEqualTo(201);
    assertThat(created.json().get("name").asText()).isEqualTo("prices_ES");
    assertThat(created.json().get("rows").asInt()).isEqualTo(50);
  }

  @Test
  void anEmptyMultipartFileIsAnEmptyCsvAndStoresNothing() throws Exception {
    String boundary = "simrun-boundary-0";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prices.csv\""
            + "\r\nContent-Type: text/csv\r\n\r\n\r\n--"
            + boundary
            + "--\r\n";
    long before = rows.count("SELECT count(*) FROM datasets");
    Reply empty =
        send(
            HttpRequest.newBuilder(uri("/api/v1/datasets"))
                .header(Api.AUTH, Api.bearer("ann"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofString(body))
                .build());
    assertThat(empty.status).as(empty.body).isEqualTo(422);
    assertThat(empty.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(empty.body).contains("line 1").contains("empty");
    assertThat(rows.count("SELECT count(*) FROM datasets")).isEqualTo(before);
  }

  /** A bad upload, the line its first problem names and words of the message. */
  static Stream<Arguments> badUploads() {
    String good = bars(5);
    String[] lines = good.split("\n");
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("empty", "", "line 1", "empty"));
    cases.add(Arguments.of("header only", HEADER, "line 2", "no bars"));
    cases.add(Arguments.of("wrong header", "date,o,h,l,c\n" + lines[1], "line 1", "header"));
    cases.add(
        Arguments.of(
            "misdated: a repeated day",
            String.join("\n", lines[0], lines[1], lines[2], lines[2], lines[3]),
            "line 4",
            "not after"));
    cases.add(
        Arguments.of(
            "misdated: not a date", HEADER + "2024-13-45,1,2,0.5,1.5,10\n", "line 2", "timestamp"));
    cases.add(
        Arguments.of(
            "NaN close",
            String.join("\n", lines[0], lines[1], "2024-01-02,100,101,99,NaN,10"),
            "line 3",
            "close"));
    cases.add(
        Arguments.of(
            "all NaN",
            HEADER + "2024-01-01,NaN,NaN,NaN,NaN,NaN\n2024-01-02,NaN,NaN,NaN,NaN,NaN\n",
            "line 2",
            "open"));
    cases.add(
        Arguments.of(
            "high below low", HEADER + "2024-01-01,100,99,101,100,10\n", "line 2", "inconsistent"));
    cases.add(
        Arguments.of(
            "a word for a price",
            HEADER + "2024-01-01,100,101,99,ten,10\n",
            "line 2",
            "not a number"));
    cases.add(
        Arguments.of(
            "a missing field", HEADER + "2024-01-01,100,101,99,100\n", "line 2", "fields"));
    cases.add(
        Arguments.of("too many rows", bars(MAX_ROWS + 1), "line " + (MAX_ROWS + 2), "more than"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUploads")
  void aBadUploadNamesTheLineAndStoresNothing(
      String name, String csv, String line, String messageHas) throws Exception {
    Reply reply = upload("ann", null, BodyPublishers.ofString(csv));
    assertThat(reply.status).as(reply.body).isEqualTo(422);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    JsonNode problem = reply.json();
    assertThat(problem.get("type").asText()).isEqualTo(PROBLEMS + "validation");
    assertThat(problem.get("detail").asText()).contains("nothing was stored");
    JsonNode first = problem.get("errors").get(0);
    assertThat(first.get("field").asText()).isEqualTo(line);
    assertThat(first.get("message").asText()).containsIgnoringCase(messageHas);
    assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();
  }

  @Test
  void everyBadLineIsNamedUpToALimit() throws Exception {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 30; i++) {
      csv.append("2024-01-01,NaN,1,1,1,1\n");
    }
    JsonNode errors =
        upload("ann", null, BodyPublishers.ofString(csv.toString())).json().get("errors");
    assertThat(errors).hasSize(20);
    assertThat(errors.get(19).get("field").asText()).isEqualTo("line 21");
  }

  @Test
  void anUploadOverTheSizeLimitIsTooLargeAndStoresNothing() throws Exception {
    // Valid rows, made long by the volume's zeros, so that only the size is wrong.
    String csv = bars(MAX_ROWS).replaceAll("(\\d)\n", "$1." + "0".repeat(600) + "\n");
    assertThat(csv.length()).isGreaterThan(MAX_REQUEST);
    Reply declared = upload("ann", null, BodyPublishers.ofString(csv));
    assertThat(declared.status).as(declared.body).isEqualTo(413);
    assertThat(declared.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(declared.json().get("errors").get(0).get("field").asText())
        .isEqualTo("Content-Length");

    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    Reply chunked =
        upload("ann", null, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    assertThat(chunked.status).as(chunked.body).isEqualTo(413);
    assertThat(chunked.contentType()).isEqualTo(Api.PROBLEM_JSON);
    long newlinesWithinLimit =
        new String(bytes, 0, MAX_REQUEST, StandardCharsets.UTF_8)
            .chars()
            .filter(c -> c == '\n')
            .count();
    assertThat(chunked.json().get("errors").get(0).get("field").asText())
        .as("the line in which the limit was passed")
        .isEqualTo("line " + (newlinesWithinLimit + 1));
    assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();
  }

  @Test
  void aChunkedUploadIsReadAsItArrives() throws Exception {
    byte[] bytes = bars(MAX_ROWS).getBytes(StandardCharsets.UTF_8);
    Reply created =
        upload("ann", null, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    assertThat(created.status).as(created.body).isEqualTo(201);
    assertThat(created.json().get("rows").asInt()).isEqualTo(MAX_ROWS);
    assertThat(created.json().get("csvBytes").asLong()).isEqualTo(bytes.length);
  }

  @Test
  void uploadsBeyondTheInstancesParsingSlotsAreToldToRetry() throws Exception {
    String csv = bars(20);
    int half = csv.indexOf('\n', csv.length() / 2) + 1;
    try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      // The first upload sends half its rows, then holds the only parsing slot.
      out.write(
          ("POST /api/v1/datasets?name=first HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + Api.AUTH
                  + ": "
                  + Api.bearer("ann")
                  + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + chunk(csv.substring(0, half)))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Reply second = upload("ann", "second", BodyPublishers.ofString(bars(3)));
                assertThat(second.status).as(second.body).isEqualTo(429);
                assertThat(second.response.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(second.contentType()).isEqualTo(Api.PROBLEM_JSON);
              });
      assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();

      out.write((chunk(csv.substring(half)) + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String status =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(status).isEqualTo("HTTP/1.1 201 Created");
    }
    assertThat(upload("ann", "third", BodyPublishers.ofString(bars(3))).status).isEqualTo(201);
    assertThat(rows.count("SELECT count(*) FROM datasets")).isEqualTo(2);
  }

  private static String chunk(String text) {
    return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length)
        + "\r\n"
        + text
        + "\r\n";
  }

  @Test
  void aBadNameIsRefusedBeforeTheBodyIsRead() throws Exception {
    Reply reply = upload("ann", "no%20spaces", BodyPublishers.ofString(bars(3)));
    assertThat(reply.status).as(reply.body).isEqualTo(422);
    assertThat(reply.json().get("errors").get(0).get("field").asText()).isEqualTo("name");
    assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();
  }

  @Test
  void otherRoutesKeepTheirSmallerLimitWhetherTheBodyDeclaresItsLengthOrNot() throws Exception {
    for (int size : List.of(MAX_BODY + 1, MAX_REQUEST + 1)) {
      byte[] big = ("{\"name\": \"" + "x".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
      Reply declared = submit(BodyPublishers.ofByteArray(big));
      assertThat(declared.status).as(declared.body).isEqualTo(413);
      assertThat(declared.json().get("type").asText()).isEqualTo(PROBLEMS + "payload-too-large");
      assertThat(declared.json().get("errors").get(0).get("field").asText())
          .isEqualTo("Content-Length");

      Reply chunked = submit(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
      assertThat(chunked.status).as(chunked.body).isEqualTo(413);
      assertThat(chunked.contentType()).isEqualTo(Api.PROBLEM_JSON);
      assertThat(chunked.json().get("type").asText()).isEqualTo(PROBLEMS + "payload-too-large");
      assertThat(chunked.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
    }
    assertThat(rows.pipeline()).isZero();

    // Several, on one kept-alive connection: a body that arrives after the filter has run used to
    // end its request with an empty 503.
    byte[] small = Api.units(1, 1).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 19; i++) {
      Reply chunked = submit(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small)));
      assertThat(chunked.status).as(chunked.body).isEqualTo(202);
    }
    assertThat(rows.count("SELECT count(*) FROM simulations")).isEqualTo(19);
  }

  /**
   * Micronaut inflates a gzip body before the route reads it, and drops its Content-Length: it is
   * counted as it is inflated, so a small body that inflates past the limit is refused.
   */
  @Test
  void aCompressedBodyIsHeldToTheLimitOnceInflated() throws Exception {
    Reply accepted = submitGzipped(Api.units(1, 1));
    assertThat(accepted.status).as(accepted.body).isEqualTo(202);

    String inflatesTooFar = "{\"name\": \"" + "x".repeat(MAX_REQUEST) + "\"}";
    Reply refused = submitGzipped(inflatesTooFar);
    assertThat(refused.status).as(refused.body).isEqualTo(413);
    assertThat(refused.json().get("type").asText()).isEqualTo(PROBLEMS + "payload-too-large");
    assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
    assertThat(rows.count("SELECT count(*) FROM simulations")).isOne();
  }

  private Reply submitGzipped(String json) throws IOException, InterruptedException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(json.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(zipped.size()).isLessThan(MAX_BODY);
    return send(
        HttpRequest.newBuilder(uri("/api/v1/simulations"))
            .header(Api.AUTH, Api.bearer("ann"))
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .POST(BodyPublishers.ofByteArray(zipped.toByteArray()))
            .build());
  }

  @Test
  void aBacktestRunsOnlyOnTheCallersOwnDataset() throws Exception {
    String id =
        upload("ann", "ann-daily", BodyPublishers.ofString(bars(300))).json().get("id").asText();
    String spec =
        """
        {"kind": "strategy-backtest", "params": {"data": {"dataset": "%s"},
         "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [20, 50]}}}
        """;

    Reply mine = submit("ann", spec.formatted(id));
    assertThat(mine.status).as(mine.body).isEqualTo(202);
    assertThat(rows.count("SELECT count(*) FROM simulations")).isOne();

    for (String notTheirs : List.of(id, "6f1c3a1e-0000-4000-8000-000000000000", "nope")) {
      Reply refused = submit("bob", spec.formatted(notTheirs));
      assertThat(refused.status).as(refused.body).isEqualTo(422);
      assertThat(refused.json().get("errors").get(0).get("field").asText())
          .isEqualTo("params.data.dataset");
    }
    assertThat(rows.count("SELECT count(*) FROM simulations")).isOne();
  }

  // ------------------------------------------------------------------------------------ plumbing

  private record Reply(HttpResponse<String> response, int status, String body) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(body);
    }

    String contentType() {
      return response.headers().firstValue("Content-Type").orElse("").split(";")[0];
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpRequest bounded =
        HttpRequest.newBuilder(request, (name, value) -> true)
            .timeout(Duration.ofSeconds(20))
            .build();
    HttpResponse<String> r = http.send(bounded, BodyHandlers.ofString());
    return new Reply(r, r.statusCode(), r.body());
  }

  private Reply upload(String owner, String name, BodyPublisher body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/api/v1/datasets" + (name == null ? "" : "?name=" + name)))
            .header(Api.AUTH, Api.bearer(owner))
            .header("Content-Type", "text/csv")
            .POST(body)
            .build());
  }

  private Reply get(String owner, String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path)).header(Api.AUTH, Api.bearer(owner)).GET().build());
  }

  private Reply submit(BodyPublisher body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/api/v1/simulations"))
            .header(Api.AUTH, Api.bearer("ann"))
            .header("Content-Type", "application/json")
            .POST(body)
            .build());
  }

  private Reply submit(String owner, String spec) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/api/v1/simulations"))
            .header(Api.AUTH, Api.bearer(owner))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(spec))
            .build());
  }
}
