package dev.simrun.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.datasets.BarsCodec;
import dev.simrun.shared.datasets.DatasetStore;
import dev.simrun.shared.datasets.OhlcvCsv;
import dev.simrun.shared.datasets.StorageQuotaExceeded;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.NoSuchDataset;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.SimulationStore;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What one owner may hold of the datasets over real HTTP into a real PostgreSQL: uploads in flight
 * (per owner, below the instance's), datasets kept (count and bytes, exact under concurrent
 * inserts), and deleting a dataset, which only its owner can and only when no simulation that has
 * not finished reads it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetLimitsTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";
  private static final int MAX_REQUEST = 64 * 1024;
  private static final int MAX_DATASETS = 3;

  /** The stored size of {@link #big()}: the bytes quota holds two of it and a small one. */
  private static final long BIG_STORED = storedSize(big());

  private static final long SMALL_STORED = storedSize(DatasetsApiTest.bars(3));

  @Inject EmbeddedServer server;
  @Inject Rows rows;
  @Inject DatasetStore datasets;
  @Inject SimulationStore simulations;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.datasets.max-rows", "1000");
    p.put("simrun.datasets.max-upload-bytes", String.valueOf(MAX_REQUEST));
    p.put("micronaut.server.max-request-size", String.valueOf(4 * MAX_REQUEST));
    p.put("simrun.datasets.max-concurrent-uploads", "2");
    p.put("simrun.datasets.max-uploads-per-owner", "1");
    p.put("simrun.datasets.max-datasets-per-owner", String.valueOf(MAX_DATASETS));
    p.put(
        "simrun.datasets.max-stored-bytes-per-owner",
        String.valueOf(2 * BIG_STORED + SMALL_STORED));
    return p;
  }

  @AfterEach
  void clean() {
    rows.update("DELETE FROM datasets");
    rows.update("DELETE FROM outbox");
    rows.update("DELETE FROM chunks");
    rows.update("DELETE FROM simulations");
  }

  private static String big() {
    return DatasetsApiTest.bars(900);
  }

  private static long storedSize(String csv) {
    OhlcvCsv.Ok ok =
        (OhlcvCsv.Ok)
            OhlcvCsv.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    return BarsCodec.encode(ok.bars()).length;
  }

  // ------------------------------------------------------------------------ uploads in flight

  @Test
  @Timeout(120)
  void oneOwnerHasOneUploadInFlightAndCannotTakeTheInstancesSlots() throws Exception {
    try (HeldUpload anns = HeldUpload.start(server.getPort(), "ann", "held")) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Reply second = upload("ann", "second", DatasetsApiTest.bars(3));
                assertThat(second.status).as(second.body).isEqualTo(429);
                assertThat(second.header("Retry-After")).isEqualTo("5");
                assertThat(second.contentType()).isEqualTo(Api.PROBLEM_JSON);
                assertThat(second.json().get("type").asText()).isEqualTo(PROBLEMS + "over-limit");
                assertThat(second.json().get("detail").asText()).contains("uploads in flight");
              });
      // The instance has a slot left, and another caller gets it.
      Reply bobs = upload("bob", "bobs", DatasetsApiTest.bars(3));
      assertThat(bobs.status).as(bobs.body).isEqualTo(201);

      assertThat(anns.finish()).isEqualTo("HTTP/1.1 201 Created");
    }
    assertThat(upload("ann", "after", DatasetsApiTest.bars(3)).status).isEqualTo(201);
    assertThat(rows.count("SELECT count(*) FROM datasets WHERE name IN ('held', 'bobs', 'after')"))
        .isEqualTo(3);
  }

  @Test
  @Timeout(120)
  void theInstancesSlotsStillBoundAllOwnersTogether() throws Exception {
    try (HeldUpload anns = HeldUpload.start(server.getPort(), "ann", "a");
        HeldUpload bobs = HeldUpload.start(server.getPort(), "bob", "b")) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Reply third = upload("carl", "c", DatasetsApiTest.bars(3));
                assertThat(third.status).as(third.body).isEqualTo(429);
                assertThat(third.json().get("detail").asText()).contains("this instance");
              });
      assertThat(anns.finish()).isEqualTo("HTTP/1.1 201 Created");
      assertThat(bobs.finish()).isEqualTo("HTTP/1.1 201 Created");
    }
    assertThat(upload("carl", "c", DatasetsApiTest.bars(3)).status).isEqualTo(201);
  }

  @Test
  @Timeout(120)
  void theOwnersSlotIsGivenBackOnEveryWayOut() throws Exception {
    // A bad CSV, one too large as it is read, a bad name, one past the quota: each is refused, and
    // the owner's only slot is free for the next.
    assertThat(upload("ann", "bad", "not,a,csv\n1,2,3\n").status).isEqualTo(422);
    String tooLarge =
        DatasetsApiTest.bars(900).replaceAll("(\\d)\n", "$1." + "0".repeat(100) + "\n");
    byte[] bytes = tooLarge.getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isGreaterThan(MAX_REQUEST);
    Reply chunked =
        send(
            request("ann", "large")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build());
    assertThat(chunked.status).as(chunked.body).isEqualTo(413);
    for (int i = 0; i < MAX_DATASETS; i++) {
      assertThat(upload("ann", "ok-" + i, DatasetsApiTest.bars(3)).status).isEqualTo(201);
    }
    assertThat(upload("ann", "over", DatasetsApiTest.bars(3)).status).isEqualTo(413);
    rows.update("DELETE FROM datasets");

    // A client that goes away in the middle of its body.
    HeldUpload gone = HeldUpload.start(server.getPort(), "ann", "gone");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> upload("ann", "probe", DatasetsApiTest.bars(3)).status == 429);
    gone.close();
    rows.update("DELETE FROM datasets WHERE name = 'probe'");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Reply after = upload("ann", "after-abort", DatasetsApiTest.bars(3));
              assertThat(after.status).as(after.body).isEqualTo(201);
            });
    assertThat(rows.count("SELECT count(*) FROM datasets WHERE name IN ('gone', 'after-abort')"))
        .isOne();
  }

  // --------------------------------------------------------------------------- storage quota

  @Test
  void anOwnerKeepsAtMostTheQuotasCountAndIsToldWhatToDelete() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MAX_DATASETS; i++) {
      Reply r = upload("ann", "set-" + i, DatasetsApiTest.bars(3));
      assertThat(r.status).as(r.body).isEqualTo(201);
      ids.add(r.json().get("id").asText());
    }
    Reply over = upload("ann", "one-more", DatasetsApiTest.bars(3));
    assertThat(over.status).as(over.body).isEqualTo(413);
    assertThat(over.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(over.json().get("type").asText()).isEqualTo(PROBLEMS + "storage-quota-exceeded");
    assertThat(over.json().get("detail").asText())
        .contains("you keep " + MAX_DATASETS + " datasets")
        .contains("DELETE /api/v1/datasets/{id}")
        .contains("nothing was stored");
    assertThat(rows.count("SELECT count(*) FROM datasets")).isEqualTo(MAX_DATASETS);
    // Another owner's quota is their own.
    assertThat(upload("bob", "bobs", DatasetsApiTest.bars(3)).status).isEqualTo(201);

    assertThat(delete("ann", ids.getFirst()).status).isEqualTo(204);
    assertThat(upload("ann", "one-more", DatasetsApiTest.bars(3)).status).isEqualTo(201);
  }

  @Test
  void anOwnerKeepsAtMostTheQuotasBytesAsStored() throws Exception {
    for (int i = 0; i < 2; i++) {
      Reply r = upload("ann", "big-" + i, big());
      assertThat(r.status).as(r.body).isEqualTo(201);
      assertThat(r.json().get("storedBytes").asLong()).isEqualTo(BIG_STORED);
    }
    Reply over = upload("ann", "big-2", big());
    assertThat(over.status).as(over.body).isEqualTo(413);
    assertThat(over.json().get("type").asText()).isEqualTo(PROBLEMS + "storage-quota-exceeded");
    assertThat(over.json().get("detail").asText())
        .contains("this one takes " + BIG_STORED + " bytes more")
        .contains("delete datasets");
    // Below the count, a small one still fits in what is left.
    assertThat(upload("ann", "small", DatasetsApiTest.bars(3)).status).isEqualTo(201);
    assertThat(rows.count("SELECT count(*) FROM datasets")).isEqualTo(3);
  }

  @Test
  @Timeout(120)
  void concurrentInsertsOfOneOwnerCannotPassTheQuotaTogether() throws Exception {
    OhlcvCsv.Ok ok =
        (OhlcvCsv.Ok)
            OhlcvCsv.parse(
                new ByteArrayInputStream(
                    DatasetsApiTest.bars(50).getBytes(StandardCharsets.UTF_8)));
    DatasetStore.Quota quota = new DatasetStore.Quota(5, Long.MAX_VALUE);
    int callers = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> outcomes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        String name = "race-" + i;
        outcomes.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    datasets.create("racer", name, ok.bars(), 100, quota);
                    return true;
                  } catch (StorageQuotaExceeded refused) {
                    return false;
                  }
                }));
      }
      go.countDown();
      int stored = 0;
      for (Future<Boolean> f : outcomes) {
        stored += f.get() ? 1 : 0;
      }
      assertThat(stored).isEqualTo(5);
    }
    assertThat(rows.count("SELECT count(*) FROM datasets WHERE owner = 'racer'")).isEqualTo(5);
  }

  // -------------------------------------------------------------------------------- deleting

  @Test
  void anOwnerDeletesTheirDatasetAndAnotherOwnersIsNotFoundExactlyAsAnUnknownOne()
      throws Exception {
    String id = upload("ann", "anns", DatasetsApiTest.bars(3)).json().get("id").asText();
    String unknown = UUID.randomUUID().toString();

    Reply theirs = delete("bob", id);
    Reply none = delete("bob", unknown);
    assertThat(theirs.status).as(theirs.body).isEqualTo(404);
    assertThat(theirs.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(theirs.body.replace(id, "<id>")).isEqualTo(none.body.replace(unknown, "<id>"));
    assertThat(get("ann", "/api/v1/datasets/" + id).status).isEqualTo(200);

    Reply deleted = delete("ann", id);
    assertThat(deleted.status).as(deleted.body).isEqualTo(204);
    assertThat(deleted.body).isEmpty();
    assertThat(get("ann", "/api/v1/datasets/" + id).status).isEqualTo(404);
    assertThat(get("ann", "/api/v1/datasets").json().get("items")).isEmpty();
    assertThat(delete("ann", id).status).isEqualTo(404);
    assertThat(rows.count("SELECT count(*) FROM datasets")).isZero();
  }

  @Test
  void aDatasetASimulationStillReadsIsNotDeletedAndFinishedOnesKeepTheirRecord() throws Exception {
    String id = upload("ann", "anns", DatasetsApiTest.bars(300)).json().get("id").asText();
    Reply submitted = submit("ann", backtest(id));
    assertThat(submitted.status).as(submitted.body).isEqualTo(202);
    String simulation = submitted.json().get("id").asText();

    Reply inUse = delete("ann", id);
    assertThat(inUse.status).as(inUse.body).isEqualTo(409);
    assertThat(inUse.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(inUse.json().get("type").asText()).isEqualTo(PROBLEMS + "dataset-in-use");
    assertThat(inUse.json().get("detail").asText()).contains(simulation);
    assertThat(get("ann", "/api/v1/datasets/" + id).status).isEqualTo(200);

    // The queues are paused: nothing runs, so the cancel ends the simulation at once.
    Reply cancelled =
        send(
            HttpRequest.newBuilder(uri("/api/v1/simulations/" + simulation + "/cancel"))
                .header(Api.AUTH, Api.bearer("ann"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.noBody())
                .build());
    assertThat(cancelled.status).as(cancelled.body).isEqualTo(202);
    assertThat(get("ann", "/api/v1/simulations/" + simulation).json().get("status").asText())
        .isEqualTo("CANCELLED");

    assertThat(delete("ann", id).status).isEqualTo(204);
    assertThat(get("ann", "/api/v1/simulations/" + simulation).status).isEqualTo(200);

    Reply afterDelete = submit("ann", backtest(id));
    assertThat(afterDelete.status).as(afterDelete.body).isEqualTo(422);
    assertThat(rows.count("SELECT count(*) FROM simulations")).isOne();
  }

  @Test
  void aSubmitValidatedBeforeItsDatasetWasDeletedStoresNothing() throws Exception {
    String id = upload("ann", "anns", DatasetsApiTest.bars(300)).json().get("id").asText();
    assertThat(delete("ann", id).status).isEqualTo(204);
    NewSimulation late =
        new NewSimulation(
            UUID.randomUUID(),
            Api.owner("ann"),
            "strategy-backtest",
            null,
            Priority.INTERACTIVE,
            """
            {"data": {"dataset": "%s"}, "strategy": "sma-crossover",
             "grid": {"fast": [5, 10], "slow": [20, 50]}}
            """
                .formatted(id),
            4,
            1,
            null,
            0,
            List.of(UUID.fromString(id)));
    try {
      simulations.create(late);
      throw new AssertionError("stored a simulation whose dataset is gone");
    } catch (NoSuchDataset expected) {
      assertThat(expected.id()).isEqualTo(id);
    }
    assertThat(rows.pipeline()).isZero();
  }

  static String backtest(String dataset) {
    return """
        {"kind": "strategy-backtest", "params": {"data": {"dataset": "%s"},
         "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [20, 50]}}}
        """
        .formatted(dataset);
  }

  // ------------------------------------------------------------------------------------ plumbing

  /**
   * An upload whose body is half sent and held open, so that it holds its owner's slot and one of
   * the instance's; {@link #finish} sends the rest, {@link #close} drops the connection.
   */
  static final class HeldUpload implements AutoCloseable {
    private final Socket socket;
    private final String csv;
    private final int half;

    private HeldUpload(Socket socket, String csv, int half) {
      this.socket = socket;
      this.csv = csv;
      this.half = half;
    }

    static HeldUpload start(int port, String user, String name) throws IOException {
      String csv = DatasetsApiTest.bars(20);
      int half = csv.indexOf('\n', csv.length() / 2) + 1;
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/datasets?name="
                  + name
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + Api.AUTH
                  + ": "
                  + Api.bearer(user)
                  + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + chunk(csv.substring(0, half)))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new HeldUpload(socket, csv, half);
    }

    /** Sends the rest of the body and returns the status line. */
    String finish() throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write((chunk(csv.substring(half)) + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }

    private static String chunk(String text) {
      return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length)
          + "\r\n"
          + text
          + "\r\n";
    }
  }

  private record Reply(HttpResponse<String> response, int status, String body) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(body);
    }

    String contentType() {
      return response.headers().firstValue("Content-Type").orElse("").split(";")[0];
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
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

  private HttpRequest.Builder request(String owner, String name) {
    return HttpRequest.newBuilder(uri("/api/v1/datasets?name=" + name))
        .header(Api.AUTH, Api.bearer(owner))
        .header("Content-Type", "text/csv");
  }

  private Reply upload(String owner, String name, String csv)
      throws IOException, InterruptedException {
    BodyPublisher body = BodyPublishers.ofString(csv);
    return send(request(owner, name).POST(body).build());
  }

  private Reply get(String owner, String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path)).header(Api.AUTH, Api.bearer(owner)).GET().build());
  }

  private Reply delete(String owner, String id) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/api/v1/datasets/" + id))
            .header(Api.AUTH, Api.bearer(owner))
            .DELETE()
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
