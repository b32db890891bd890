package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad submission gets its status, an {@code application/problem+json} body naming the
 * field, and leaves no row behind. Nothing in this class is ever accepted, so the pipeline tables
 * stay empty.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  @AfterEach
  void nothingWasStored() {
    assertThat(rows.pipeline()).as("rows in simulations + chunks + outbox").isZero();
  }

  /** A bad request, what it must answer and the field the answer must name. */
  record Case(
      String name,
      String body,
      UnaryOperator<MutableHttpRequest<String>> tweak,
      int status,
      String type,
      String field,
      String messageHas) {
    Case(String name, String body, int status, String type, String field, String messageHas) {
      this(name, body, UnaryOperator.identity(), status, type, field, messageHas);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> badSubmissions() {
    String ok = "\"kind\": \"test-units\", \"params\": {\"units\": 10}";
    return Stream.of(
        new Case(
            "malformed JSON",
            "{\"kind\": \"test-units\",\n \"params\": {\"units\": 1,}}",
            400,
            "malformed-body",
            "params",
            "line 2, column 24"),
        new Case(
            "truncated JSON",
            "{\"kind\": \"test-units\", ",
            400,
            "malformed-body",
            "body",
            "line 1"),
        new Case("not an object", "[1, 2]", 400, "malformed-body", "body", ""),
        new Case("a bare string", "\"test-units\"", 400, "malformed-body", "body", ""),
        new Case("no body", "", 400, "malformed-body", "body", ""),
        new Case("kind of the wrong type", "{\"kind\": {}}", 400, "malformed-body", "kind", ""),
        new Case(
            "unknown top-level field",
            "{" + ok + ", \"chunkng\": {\"unitsPerChunk\": 1}}",
            400,
            "malformed-body",
            "chunkng",
            "not a known field"),
        new Case(
            "chunking of the wrong type",
            "{" + ok + ", \"chunking\": 5}",
            400,
            "malformed-body",
            "chunking",
            ""),
        new Case(
            "an unknown failure policy",
            "{" + ok + ", \"failurePolicy\": \"sometimes\"}",
            422,
            "validation",
            "failurePolicy",
            "\"failFast\" or {\"tolerate\": N}"),
        new Case(
            "a negative tolerance",
            "{" + ok + ", \"failurePolicy\": {\"tolerate\": -1}}",
            422,
            "validation",
            "failurePolicy.tolerate",
            "from 0 to 100000"),
        new Case(
            "a fractional tolerance",
            "{" + ok + ", \"failurePolicy\": {\"tolerate\": 1.5}}",
            422,
            "validation",
            "failurePolicy.tolerate",
            "whole number"),
        new Case(
            "missing kind",
            "{\"params\": {\"units\": 1}}",
            422,
            "validation",
            "kind",
            "test-units"),
        new Case(
            "unknown kind",
            "{\"kind\": \"nope\", \"params\": {}}",
            422,
            "validation",
            "kind",
            "test-units"),
        new Case("missing params", "{\"kind\": \"test-units\"}", 422, "validation", "params", ""),
        new Case(
            "params of the wrong type",
            "{\"kind\": \"test-units\", \"params\": [1]}",
            422,
            "validation",
            "params",
            ""),
        new Case(
            "a param of the wrong type",
            "{\"kind\": \"test-units\", \"params\": {\"units\": \"many\"}}",
            422,
            "validation",
            "params.units",
            ""),
        new Case(
            "a nested param of the wrong type",
            "{\"kind\": \"test-units\", \"params\": {\"units\": 3, \"options\": {\"delayMs\": []}}}",
            422,
            "validation",
            "params.options.delayMs",
            ""),
        new Case(
            "params the kind rejects",
            "{\"kind\": \"test-units\", \"params\": {\"units\": 0}}",
            422,
            "validation",
            "params.units",
            "between 1 and"),
        new Case(
            "a nested param the kind rejects",
            "{\"kind\": \"test-units\", \"params\": {\"units\": 3, \"options\": {\"delayMs\": -1}}}",
            422,
            "validation",
            "params.options.delayMs",
            ">= 0"),
        new Case(
            "a forecast agent URL that points inside",
            forecast("{\"type\": \"http\", \"url\": \"http://[::ffff:169.254.169.254]/\"}", 88),
            422,
            "validation",
            "params.agents[0].url",
            "https"),
        new Case(
            "a forecast agent URL whose host is the metadata server with a trailing dot",
            forecast("{\"type\": \"http\", \"url\": \"https://metadata.google.internal./\"}", 88),
            422,
            "validation",
            "params.agents[0].url",
            "fully qualified"),
        new Case(
            "a simulated model call over the cap",
            forecast("{\"type\": \"naive\", \"latencyMs\": 10001}", 88),
            422,
            "validation",
            "params.agents[0].latencyMs",
            "0..10000 ms"),
        new Case(
            "more simulated latency than a simulation may ask for",
            forecast("{\"type\": \"naive\", \"latencyMs\": 10000}", 300),
            422,
            "validation",
            "params.agents",
            "limit of 1800000 ms per simulation"),
        new Case(
            "a forecast with too much work",
            "{\"kind\": \"forecast-backtest\", \"params\": {\"series\": {\"synthetic\":"
                + " {\"days\": 20000, \"seed\": 1}}, \"start\": 1999, \"end\": 19998,"
                + " \"history\": 2000, \"agents\": [{\"type\": \"ar\", \"order\": 20}]}}",
            422,
            "validation",
            "params",
            "too much work"),
        new Case(
            "zero units per chunk",
            "{" + ok + ", \"chunking\": {\"unitsPerChunk\": 0}}",
            422,
            "validation",
            "chunking.unitsPerChunk",
            "between 1 and 1000000"),
        new Case(
            "too many units per chunk",
            "{" + ok + ", \"chunking\": {\"unitsPerChunk\": 1000001}}",
            422,
            "validation",
            "chunking.unitsPerChunk",
            "between 1 and 1000000"),
        new Case(
            "too many chunks",
            "{\"kind\": \"test-units\", \"params\": {\"units\": 100001},"
                + " \"chunking\": {\"unitsPerChunk\": 1}}",
            422,
            "validation",
            "chunking.unitsPerChunk",
            "use at least 2 units per chunk"),
        new Case(
            "unknown priority",
            "{" + ok + ", \"priority\": \"urgent\"}",
            422,
            "validation",
            "priority",
            "interactive or batch"),
        new Case(
            "a name too long",
            "{" + ok + ", \"name\": \"" + "n".repeat(201) + "\"}",
            422,
            "validation",
            "name",
            "200"),
        new Case(
            "an idempotency key too long",
            "{" + ok + "}",
            r -> r.header("Idempotency-Key", "k".repeat(201)),
            400,
            "invalid-parameter",
            "Idempotency-Key",
            "printable ASCII"),
        new Case(
            "an idempotency key with a control character",
            "{" + ok + "}",
            r -> r.header("Idempotency-Key", "a\tb"),
            400,
            "invalid-parameter",
            "Idempotency-Key",
            "printable ASCII"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSubmissions")
  void aBadSubmissionIsRejectedWithAProblemNamingTheField(Case c) {
    Api.Reply reply = api.exchange(c.tweak().apply(api.post("ann", c.body())));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(c.status());
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    JsonNode problem = reply.tree();
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + c.type());
    assertThat(problem.get("status").getIntValue()).isEqualTo(c.status());
    assertThat(reply.text("title")).isNotBlank();
    assertThat(reply.text("detail")).isNotBlank();
    assertThat(reply.text("instance")).isEqualTo("/api/v1/simulations");
    assertThat(fields(problem)).contains(c.field());
    assertThat(messageOf(problem, c.field())).contains(c.messageHas());
  }

  @Test
  void everyInvalidFieldIsListedInOneAnswer() {
    Api.Reply reply =
        api.submit(
            "ann",
            """
            {"kind": "test-units", "params": {"units": 0}, "priority": "soon",
             "name": "%s", "chunking": {"unitsPerChunk": -1}}
            """
                .formatted("x".repeat(300)));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(fields(reply.tree()))
        .containsExactlyInAnyOrder("priority", "name", "chunking.unitsPerChunk", "params.units");
  }

  @Test
  void theBodyIsJudgedBeforeTheIdempotencyKey() {
    Api.Reply reply =
        api.exchange(
            api.post("ann", "{\"kind\": \"nope\", \"params\": {}}")
                .header("Idempotency-Key", "k".repeat(201)));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(fields(reply.tree())).containsExactly("kind");
  }

  @Test
  void aBodyThatIsNotJsonIsAnUnsupportedMediaType() {
    Api.Reply reply =
        api.exchange(
            HttpRequest.POST("/api/v1/simulations", "kind=test-units")
                .contentType(MediaType.TEXT_PLAIN)
                .header(Api.AUTH, Api.bearer("ann")));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(415);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "unsupported-media-type");
  }

  @Test
  void aBodyOverOneMegabyteIsTooLarge() {
    String body =
        "{\"kind\": \"test-units\", \"params\": {\"units\": 1}, \"name\": \""
            + "x".repeat(1_100_000)
            + "\"}";
    Api.Reply reply = api.submit("ann", body);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(413);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "payload-too-large");
  }

  /** A forecast backtest of one agent over forecast days 27..{@code end}. */
  private static String forecast(String agent, int end) {
    return "{\"kind\": \"forecast-backtest\", \"params\": {\"series\": {\"synthetic\":"
        + " {\"days\": 400, \"seed\": 1}}, \"start\": 27, \"end\": "
        + end
        + ", \"history\": 28, \"agents\": ["
        + agent
        + "]}}";
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    JsonNode errors = problem.get("errors");
    if (errors != null) {
      for (JsonNode e : errors.values()) {
        fields.add(e.get("field").getStringValue());
      }
    }
    return fields;
  }

  private static String messageOf(JsonNode problem, String field) {
    for (JsonNode e : problem.get("errors").values()) {
      if (e.get("field").getStringValue().equals(field)) {
        return e.get("message").getStringValue();
      }
    }
    return "";
  }
}
