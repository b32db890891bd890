package dev.simrun.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Open event streams per owner over real connections: one more than the cap is refused with 429
 * before it opens, whichever of the two routes it asks for, and a stream gives its place back
 * however it ends: the client drops the connection, or the server ends it. A refusal is an ordinary
 * answer, not a server error in the log.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamLimitsTest implements TestPropertyProvider {
  static final int CAP = 2;

  @Inject EmbeddedServer server;

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  Api api;
  final List<Stream> open = new ArrayList<>();

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.stream.max-streams-per-owner", String.valueOf(CAP));
    // A stream answers its status with its first event: a heartbeat comes soon on an idle one.
    p.put("simrun.stream.heartbeat", "300ms");
    return p;
  }

  /** What the server logs about requests that failed: a refusal must not be one of them. */
  final ListAppender<ILoggingEvent> serverErrors = new ListAppender<>();

  @BeforeAll
  void connect() {
    api = new Api(http, json);
    serverErrors.start();
    routeExecutor().addAppender(serverErrors);
  }

  @AfterAll
  void detach() {
    routeExecutor().detachAppender(serverErrors);
  }

  private static Logger routeExecutor() {
    return (Logger) LoggerFactory.getLogger("io.micronaut.http.server.RouteExecutor");
  }

  private List<String> errorsLogged() {
    synchronized (serverErrors.list) {
      return serverErrors.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  @AfterEach
  void drop() throws IOException {
    for (Stream s : open) {
      s.close();
    }
    open.clear();
  }

  @Test
  @Timeout(120)
  void theOwnersStreamSaysItIsOpenBeforeAnyEventOrHeartbeat() throws Exception {
    try (Stream idle = open("gil", "/api/v1/events")) {
      assertThat(idle.status()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(idle.firstComment()).as("the first line of the body").contains("open");
    }
  }

  @Test
  @Timeout(120)
  void oneMoreThanTheCapIsRefusedBeforeItOpensAndADroppedOneGivesItsPlaceBack() throws Exception {
    UUID simulation = api.submit("ann", Api.units(4, 2)).id();
    Stream first = open("ann", "/api/v1/events");
    Stream second = open("ann", "/api/v1/simulations/" + simulation + "/events");
    assertThat(first.status()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(second.status()).isEqualTo("HTTP/1.1 200 OK");

    for (String route :
        List.of("/api/v1/events", "/api/v1/simulations/" + simulation + "/events")) {
      Api.Reply refused = api.get("ann", route);
      assertThat(refused.status()).as(route + ": " + refused).isEqualTo(429);
      assertThat(refused.contentType()).startsWith(Api.PROBLEM_JSON);
      assertThat(refused.text("type")).isEqualTo("https://simrun.dev/problems/over-limit");
      assertThat(refused.text("detail")).contains("event streams");
      assertThat(refused.headers().get("Retry-After")).isEqualTo("5");
    }
    // Another owner's simulation is not found, even to a caller at the cap, like an unknown one.
    UUID bobs = api.submit("bob", Api.units(4, 2)).id();
    assertThat(api.get("ann", "/api/v1/simulations/" + bobs + "/events").status()).isEqualTo(404);
    assertThat(api.get("ann", "/api/v1/simulations/" + UUID.randomUUID() + "/events").status())
        .isEqualTo(404);
    assertThat(errorsLogged()).as("refusals logged as server errors").isEmpty();
    // The cap is ann's, not everyone's.
    assertThat(open("bob", "/api/v1/events").status()).isEqualTo("HTTP/1.1 200 OK");

    first.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> open("ann", "/api/v1/events").status().equals("HTTP/1.1 200 OK"));
    second.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                open("ann", "/api/v1/simulations/" + simulation + "/events")
                    .status()
                    .equals("HTTP/1.1 200 OK"));
  }

  @Test
  @Timeout(120)
  void streamsTheServerEndsGiveTheirPlaceBack() throws Exception {
    UUID simulation = api.submit("ann", Api.units(4, 2)).id();
    Api.Reply cancelled =
        api.exchange(
            HttpRequest.POST("/api/v1/simulations/" + simulation + "/cancel", "")
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.bearer("ann")));
    assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
    // The stream of an ended simulation sends its events and closes: many in a row, each in turn.
    for (int i = 0; i < 3 * CAP; i++) {
      Stream ended = open("ann", "/api/v1/simulations/" + simulation + "/events");
      assertThat(ended.status()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(ended.readToEnd()).contains("event: simulation.cancelled");
      ended.close();
    }
    for (int i = 0; i < CAP; i++) {
      assertThat(open("ann", "/api/v1/events").status()).isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(api.get("ann", "/api/v1/events").status()).isEqualTo(429);
  }

  private Stream open(String user, String path) throws IOException {
    Stream s = Stream.open(server.getPort(), user, path);
    open.add(s);
    return s;
  }

  /** A stream on a connection of its own, read line by line as a browser would. */
  static final class Stream implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private String status;

    private Stream(Socket socket) throws IOException {
      this.socket = socket;
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    static Stream open(int port, String user, String path) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                      + Api.AUTH
                      + ": "
                      + Api.bearer(user)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return new Stream(socket);
    }

    /** The status line, once the server has answered. */
    String status() throws IOException {
      if (status == null) {
        status = in.readLine();
      }
      return status;
    }

    /** The first comment line of the body. */
    String firstComment() throws IOException {
      status();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(":")) {
          return line;
        }
      }
      return null;
    }

    /** Everything until the server closes the stream. */
    String readToEnd() throws IOException {
      status();
      StringBuilder all = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        all.append(line).append('\n');
        if (line.equals("0")) {
          break; // the last chunk of the body: the server has ended the stream
        }
      }
      return all.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
