package dev.simrun.api.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The api's server spans (decision 0038): each request continues its caller's trace in a span of
 * its own, named by the route template and current where the request's code runs (the simulation
 * stores that span's context), with the answer's status; health checks are not traced.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSpansTest implements TestPropertyProvider {
  static final String CALLER_SPAN = "b7ad6b7169203331";
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject InMemorySpanExporter spans;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.test.spans", "memory");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  static String traceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  static String traceparent(String trace) {
    return "00-" + trace + "-" + CALLER_SPAN + "-01";
  }

  List<SpanData> ofTrace(String trace) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(trace)).toList();
  }

  @Test
  void aSubmitIsOneServerSpanUnderItsCallersCurrentWhileItRuns() {
    String trace = traceId();
    Api.Reply accepted =
        api.exchange(api.post("sam", Api.units(20, 10)).header("traceparent", traceparent(trace)));
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);

    SpanData span = ofTrace(trace).getFirst();
    assertThat(ofTrace(trace)).hasSize(1);
    assertThat(span.getName()).isEqualTo("POST /api/v1/simulations");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(span.getAttributes().get(ROUTE)).isEqualTo("/api/v1/simulations");
    assertThat(span.getAttributes().get(STATUS)).isEqualTo(202L);
    assertThat(span.hasEnded()).isTrue();
    assertThat(rows.text("SELECT traceparent FROM simulations WHERE id = '" + accepted.id() + "'"))
        .as("the span was current where the submit stored the simulation")
        .isEqualTo("00-" + trace + "-" + span.getSpanId() + "-01");
  }

  @Test
  void anotherOwnersSimulationIsA404SpanNamedByItsRouteNotItsPath() {
    UUID id = api.submit("sam", Api.units(10, 10)).id();
    String trace = traceId();
    Api.Reply missing =
        api.exchange(
            HttpRequest.GET("/api/v1/simulations/" + id)
                .header(Api.AUTH, Api.bearer("tom"))
                .header("traceparent", traceparent(trace)));
    assertThat(missing.status()).isEqualTo(404);

    assertThat(ofTrace(trace))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("GET /api/v1/simulations/{id}");
              assertThat(s.getAttributes().get(STATUS)).isEqualTo(404L);
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            });
  }

  @Test
  void healthChecksAreNotTraced() {
    String trace = traceId();
    Api.Reply health =
        api.exchange(HttpRequest.GET("/health").header("traceparent", traceparent(trace)));
    assertThat(health.status()).isEqualTo(200);
    assertThat(ofTrace(trace)).isEmpty();
  }
}
