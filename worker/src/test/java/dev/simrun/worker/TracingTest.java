package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One trace from the submit to the finalize (decision 0036): a simulation stored under a submit's
 * span keeps its trace context, the outbox sends it as each task's traceparent, the emulator pushes
 * it, and the worker continues it: a server span per push under the submit's span, naming the chunk
 * and marking its claim and commit as events, the chunk's run under it, and the finalize.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest implements TestPropertyProvider {
  static final int CHUNKS = 3;
  static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String PUSH = "POST /tasks/v1/chunks";

  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject OutboxDispatcher dispatcher;
  @Inject Rows rows;
  @Inject InMemorySpanExporter spans;
  @Inject OpenTelemetry openTelemetry;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("simrun.test.spans", "memory");
    p.put("otel.traces.sampler.arg", "0.25");
    return p;
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void samplingIsParentBasedWithTheConfiguredRatio() {
    assertThat(openTelemetry.toString()).contains("ParentBased").contains("TraceIdRatioBased{0.25");
  }

  @Test
  @SuppressWarnings("try")
  void aSimulationIsOneTraceFromSubmitToFinalize() {
    // The caller's sampled traceparent: parent-based sampling keeps the whole trace.
    Context caller =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.createFromRemoteParent(
                        CALLER_TRACE,
                        "b7ad6b7169203331",
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
    Span submit =
        openTelemetry
            .getTracer("test")
            .spanBuilder("POST /api/v1/simulations")
            .setParent(caller)
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    UUID id;
    try (Scope ignored = submit.makeCurrent()) {
      id = simulations.create(SumKind.Params.of(CHUNKS * 10L, 10));
    } finally {
      submit.end();
    }
    String submitSpan = submit.getSpanContext().getSpanId();

    assertThat(dispatcher.drain()).isEqualTo(CHUNKS);
    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(id), "SUCCEEDED"::equals);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                named("simulation.finalize").size() == 1
                    && named(PUSH).stream().filter(committed()).count() == CHUNKS);

    List<SpanData> trace =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getTraceId().equals(CALLER_TRACE))
            .toList();
    List<SpanData> pushes =
        trace.stream()
            .filter(s -> s.getKind() == SpanKind.SERVER && !s.getSpanId().equals(submitSpan))
            .toList();
    assertThat(pushes)
        .as("a server span per push (the chunks and the finalize), each under the submit's span")
        .hasSizeGreaterThanOrEqualTo(CHUNKS + 1)
        .allMatch(s -> s.getParentSpanId().equals(submitSpan));
    List<SpanData> chunkPushes = named(PUSH);
    assertThat(chunkPushes)
        .as("each chunk's push names its simulation and chunk and marks the claim and the commit")
        .hasSize(CHUNKS)
        .allMatch(s -> s.getTraceId().equals(CALLER_TRACE))
        .allMatch(s -> id.toString().equals(attribute(s, "simrun.simulation_id")))
        .allMatch(s -> "Claimed".equals(event(s, "chunk.claimed")))
        .allMatch(committed());
    assertThat(chunkPushes.stream().map(s -> attribute(s, "simrun.chunk")))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(named("chunk.run"))
        .as("chunk.run")
        .hasSize(CHUNKS)
        .allMatch(s -> s.getTraceId().equals(CALLER_TRACE))
        .allMatch(childOfOneOf(chunkPushes))
        .allMatch(s -> id.toString().equals(attribute(s, "simrun.simulation_id")));
    assertThat(named("simulation.finalize"))
        .singleElement()
        .matches(s -> s.getTraceId().equals(CALLER_TRACE))
        .matches(childOfOneOf(pushes));
  }

  /** A push whose chunk committed: its {@code chunk.committed} event's outcome. */
  static Predicate<SpanData> committed() {
    return s -> "Committed".equals(event(s, "chunk.committed"));
  }

  /** The outcome of the span's event {@code name}, or null without one. */
  static String event(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getAttributes().get(AttributeKey.stringKey("simrun.outcome")))
        .findFirst()
        .orElse(null);
  }

  List<SpanData> named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  static Predicate<SpanData> childOfOneOf(List<SpanData> parents) {
    return s -> parents.stream().anyMatch(p -> p.getSpanId().equals(s.getParentSpanId()));
  }

  static String attribute(SpanData span, String key) {
    return span.getAttributes().asMap().entrySet().stream()
        .filter(e -> e.getKey().getKey().equals(key))
        .map(e -> String.valueOf(e.getValue()))
        .findFirst()
        .orElse(null);
  }
}
