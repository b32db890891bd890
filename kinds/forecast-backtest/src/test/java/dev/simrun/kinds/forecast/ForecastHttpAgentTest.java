package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.JSON;
import static dev.simrun.kinds.forecast.ForecastFixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.Endpoints;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http agent against a real HTTP server on loopback that answers as each test scripts. */
class ForecastHttpAgentTest {

  /** One scripted answer: a status and a body, at once or only after the test has ended. */
  record Reply(boolean held, int status, String body) {
    Reply(int status, String body) {
      this(false, status, body);
    }

    static Reply ok(double prediction) {
      return new Reply(200, "{\"prediction\": " + prediction + "}");
    }

    static Reply status(int status) {
      return new Reply(status, "{\"error\": \"scripted\"}");
    }

    /**
     * Holds the request, unanswered, until the test is over: any limit under 30 s runs out first.
     */
    static Reply heldUntilTheEnd() {
      return new Reply(true, 200, "{\"prediction\": 0}");
    }
  }

  /**
   * A limit for attempts that must not time out: no answer of this server comes near it, however
   * busy the machine.
   */
  private static final int AMPLE_MS = 30_000;

  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile Reply fallback = Reply.status(500);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final CountDownLatch testOver = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
  private final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Endpoints endpoints = new ClientEndpoints(client);
  private final TestClock clock = TestClock.at(Instant.ofEpochMilli(1_700_000_000_000L));
  private HttpServer server;
  private URI url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/predict", this::answer);
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/predict");
  }

  @AfterEach
  void stop() {
    testOver.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    client.close();
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Reply reply = script.poll();
    if (reply == null) {
      reply = fallback;
    }
    try {
      if (reply.held()) {
        // Answered at the end of the test, or after 30 s should a call wait that long.
        testOver.await(30, TimeUnit.SECONDS);
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      answered.incrementAndGet();
    } catch (InterruptedException | IOException e) {
      // The client gave up (a timeout) or the server is stopping.
    } finally {
      exchange.close();
    }
  }

  private HttpAgent httpAgent(int timeoutMs, int retries, int backoffMs, CircuitBreaker breaker) {
    return new HttpAgent(
        "remote",
        url,
        new RetryPolicy(Duration.ofMillis(timeoutMs), retries, Duration.ofMillis(backoffMs)),
        breaker,
        endpoints,
        JSON,
        () -> false);
  }

  private CircuitBreaker breaker(int failures, long openMs) {
    return new CircuitBreaker(failures, Duration.ofMillis(openMs), clock);
  }

  private static final double[] HISTORY = {1.5, 2.0, 2.5};

  @Test
  void postsTheHistoryAndReadsThePrediction() throws Exception {
    script.add(Reply.ok(42.25));
    assertThat(httpAgent(AMPLE_MS, 0, 0, breaker(3, 1_000)).predict(41, HISTORY)).isEqualTo(42.25);
    assertThat(requests).hasValue(1);
    Map<?, ?> sent = JSON.readValue(bodies.peek(), Map.class);
    assertThat(sent.get("agent")).isEqualTo("remote");
    assertThat(((Number) sent.get("day")).longValue()).isEqualTo(41);
    assertThat(((Number) sent.get("from")).longValue()).isEqualTo(39);
    assertThat(sent.get("history")).asString().isEqualTo("[1.5, 2.0, 2.5]");

    // Fields the agent does not know are ignored.
    script.add(new Reply(200, "{\"model\": \"v2\", \"prediction\": -3e2, \"ci\": [1, 2]}"));
    assertThat(httpAgent(AMPLE_MS, 0, 0, breaker(3, 1_000)).predict(42, HISTORY)).isEqualTo(-300.0);
  }

  @Test
  void aSlowAnswerTimesOut() {
    script.add(Reply.heldUntilTheEnd());
    assertThatThrownBy(() -> httpAgent(150, 0, 0, breaker(3, 1_000)).predict(5, HISTORY))
        .isInstanceOf(AgentFailure.class)
        .hasMessage("timeout");
    // The server still holds the request: the call ended on its own limit, not on an answer.
    assertThat(answered).hasValue(0);
  }

  @Test
  void retriesWithBackoffThenSucceeds() throws Exception {
    script.add(Reply.status(503));
    script.add(Reply.heldUntilTheEnd()); // times out
    script.add(Reply.ok(7.0));
    CircuitBreaker breaker = breaker(5, 1_000);
    long started = System.nanoTime();
    // A limit the other two answers cannot miss even on a busy machine.
    assertThat(httpAgent(2_000, 2, 40, breaker).predict(5, HISTORY)).isEqualTo(7.0);
    assertThat(requests).hasValue(3);
    // Backoffs of 40 and 80 ms, and one attempt that waited out its 2,000 ms.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(40 + 80 + 2_000));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void givesUpAfterTheLastRetry() {
    fallback = Reply.status(502);
    assertThatThrownBy(() -> httpAgent(AMPLE_MS, 2, 1, breaker(10, 1_000)).predict(5, HISTORY))
        .isInstanceOf(AgentFailure.class)
        .hasMessage("bad-status");
    assertThat(requests).hasValue(3);
  }

  @Test
  void doesNotRetryWhatARetryCannotFix() {
    script.add(Reply.status(400));
    script.add(new Reply(200, "not json"));
    script.add(new Reply(200, "{\"prediction\": null}"));
    script.add(new Reply(200, "{\"prediction\": " + "1".repeat(70_000) + "}"));
    HttpAgent agent = httpAgent(AMPLE_MS, 3, 1, breaker(10, 1_000));
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-status");
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-response");
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-response");
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("too-large");
    assertThat(requests).hasValue(4);
  }

  @Test
  void aRefusedAddressIsNotRetriedAndNothingIsSent() {
    HttpAgent agent =
        new HttpAgent(
            "remote",
            URI.create("http://169.254.169.254/computeMetadata/v1/"),
            new RetryPolicy(Duration.ofMillis(AMPLE_MS), 3, Duration.ofMillis(1)),
            breaker(10, 1_000),
            endpoints,
            JSON,
            () -> false);
    assertThatThrownBy(() -> agent.predict(5, HISTORY))
        .isInstanceOf(AgentFailure.class)
        .hasMessage("refused-address");
    assertThat(requests).hasValue(0);
  }

  @Test
  void everyReasonIsOneOfTheVocabulary() {
    script.add(Reply.status(404));
    script.add(new Reply(200, "<html>internal admin console</html>"));
    HttpAgent agent = httpAgent(AMPLE_MS, 0, 0, breaker(10, 1_000));
    // What answered is not repeated: neither its status nor its body.
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-status");
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-response");
    assertThat(HttpAgent.REASONS)
        .containsExactly(
            "refused-address",
            "timeout",
            "connection-failed",
            "bad-status",
            "bad-response",
            "too-large",
            "circuit-open");
  }

  @Test
  void theCircuitOpensAfterRepeatedFailuresAndClosesAfterASuccessfulTrial() throws Exception {
    fallback = Reply.status(500);
    CircuitBreaker breaker = breaker(3, 10_000);
    HttpAgent agent = httpAgent(AMPLE_MS, 0, 0, breaker);
    for (int day = 0; day < 3; day++) {
      int d = day;
      assertThatThrownBy(() -> agent.predict(d, HISTORY)).hasMessage("bad-status");
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> agent.predict(3, HISTORY)).hasMessage("circuit-open");
    assertThat(requests).hasValue(3); // nothing went out while open

    clock.advance(Duration.ofMillis(9_999));
    assertThatThrownBy(() -> agent.predict(4, HISTORY)).hasMessage("circuit-open");
    clock.advance(Duration.ofMillis(1));
    // Half-open: one trial; it fails, so the circuit opens again at once.
    assertThatThrownBy(() -> agent.predict(5, HISTORY)).hasMessage("bad-status");
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> agent.predict(6, HISTORY)).hasMessage("circuit-open");
    assertThat(requests).hasValue(4);

    clock.advance(Duration.ofMillis(10_000));
    fallback = Reply.ok(3.5);
    assertThat(agent.predict(7, HISTORY)).isEqualTo(3.5);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(agent.predict(8, HISTORY)).isEqualTo(3.5);
    assertThat(requests).hasValue(6);
  }

  @Test
  void aRetryStopsWhenTheCircuitOpensMidway() {
    fallback = Reply.status(503);
    CircuitBreaker breaker = breaker(2, 10_000);
    assertThatThrownBy(() -> httpAgent(AMPLE_MS, 4, 1, breaker).predict(0, HISTORY))
        .hasMessage("circuit-open");
    assertThat(requests).hasValue(2);
  }

  @Test
  void aCancelledChunkStopsWaitingForTheBackoff() {
    fallback = Reply.status(503);
    AtomicInteger checks = new AtomicInteger();
    Duration backoff = Duration.ofMinutes(1);
    HttpAgent agent =
        new HttpAgent(
            "remote",
            url,
            new RetryPolicy(Duration.ofMillis(AMPLE_MS), 1, backoff),
            breaker(5, 1_000),
            endpoints,
            JSON,
            // Cancelled from the third look on: the backoff has begun.
            () -> checks.incrementAndGet() > 2);
    long started = System.nanoTime();
    assertThatThrownBy(() -> agent.predict(0, HISTORY)).isInstanceOf(ChunkCancelledException.class);
    assertThat(requests).as("the retry never went out").hasValue(1);
    // Far sooner than the minute's backoff: the wait itself was cut short.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(backoff);
  }

  @Test
  void inARunAFailedCallLeavesThatAgentsPredictionMissing() {
    // Day 28 answers, day 29 fails twice, day 30 answers after a retry, and the rest answer.
    script.add(Reply.ok(101.0));
    script.add(Reply.status(500));
    script.add(Reply.status(500));
    script.add(Reply.status(500));
    script.add(Reply.ok(103.0));
    fallback = Reply.ok(100.0);
    ForecastParams params =
        ForecastFixtures.params(
            ForecastFixtures.synthetic(40, 1),
            28,
            33,
            28,
            List.of(
                agent("naive").build(),
                agent("http")
                    .name("model")
                    .url(url.toString())
                    .timeoutMs(AMPLE_MS)
                    .retries(1)
                    .backoffMs(1)
                    .build()),
            new ForecastParams.Ensemble("mean", null));
    ForecastBacktestKind kind = ForecastFixtures.kind(clock, endpoints);
    assertThat(kind.validate(params)).isEmpty();
    ForecastResult result = InMemoryRun.run(kind, params, 1);

    assertThat(result.rows()).hasSize(6);
    assertThat(result.rows().get(0).predictions().get(1)).isEqualTo(101.0);
    ForecastResult.Row failed = result.rows().get(1);
    assertThat(failed.predictions().get(1)).isNull();
    assertThat(failed.failures()).containsExactly(new DayForecast.Failure("model", "bad-status"));
    // The ensemble of that day is the naive prediction alone.
    assertThat(failed.ensemble()).isEqualTo(failed.predictions().getFirst());
    assertThat(result.rows().get(2).predictions().get(1)).isEqualTo(103.0);
    assertThat(result.rows().get(2).failures()).isNull();
    Metrics model = result.agents().get(1).metrics();
    assertThat(model.count()).isEqualTo(5);
    assertThat(model.missing()).isEqualTo(1);
    assertThat(requests).hasValue(8);
  }

  @Test
  void theBreakerOutlivesOneDayChunks() {
    fallback = Reply.status(500);
    ForecastParams params =
        ForecastFixtures.params(
            ForecastFixtures.synthetic(40, 1),
            28,
            37,
            28,
            List.of(
                agent("http")
                    .url(url.toString())
                    .retries(0)
                    .breaker(3, 60_000)
                    .timeoutMs(AMPLE_MS)
                    .build()),
            null);
    ForecastResult result = InMemoryRun.run(ForecastFixtures.kind(clock, endpoints), params, 1);
    assertThat(requests).hasValue(3);
    assertThat(result.rows()).allSatisfy(row -> assertThat(row.predictions().get(0)).isNull());
    assertThat(result.rows().get(2).failures().getFirst().reason()).isEqualTo("bad-status");
    assertThat(result.rows().get(3).failures().getFirst().reason()).isEqualTo("circuit-open");
    assertThat(result.best()).isNull();
    assertThat(result.ensembleMetrics().count()).isZero();
    assertThat(result.ensembleMetrics().mae()).isNull();
  }
}
