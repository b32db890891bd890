package dev.simrun.shared.tracing;

import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.slf4j.MDC;

/**
 * Opens the spans of SimRun's own work (a task push, a chunk's run, a finalize) under the current
 * span, and marks the short steps around them (a chunk's claim and commit) as events of the push's
 * span. Never a span per event or progress report. With tracing off (no OpenTelemetry bean) every
 * span is a no-op; in a trace that is not sampled, spans record nothing and attributes are not even
 * built.
 */
@Singleton
public class Tracing {
  static final String INSTRUMENTATION = "dev.simrun";

  static final AttributeKey<String> SIMULATION_ID = AttributeKey.stringKey("simrun.simulation_id");
  static final AttributeKey<Long> CHUNK = AttributeKey.longKey("simrun.chunk");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("simrun.outcome");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  /** Reads a trace context from a push's headers, by name. */
  private static final TextMapGetter<UnaryOperator<String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> headers) {
          return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
        }

        @Override
        public @Nullable String get(@Nullable UnaryOperator<String> headers, String name) {
          return headers == null ? null : headers.apply(name);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  public Tracing(@Nullable OpenTelemetry openTelemetry) {
    OpenTelemetry otel = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
    this.tracer = otel.getTracer(INSTRUMENTATION);
    this.propagator = otel.getPropagators().getTextMapPropagator();
  }

  /**
   * The server span of a task push ({@code name}, e.g. {@code POST /tasks/v1/chunks}), continuing
   * the trace its {@code traceparent} header names, current until closed. The worker opens these
   * itself rather than through a tracing filter on every request: a filter made each push's
   * response reactive, which cost a tenth of no-op chunk throughput
   * (bench/results/observability-cost.md).
   */
  public Step push(String name, UnaryOperator<String> headers) {
    Span span = server(name, headers);
    if (span.isRecording()) {
      span.setAttribute(HTTP_ROUTE, name.substring(name.indexOf(' ') + 1));
    }
    return new Step(span, span.makeCurrent());
  }

  /**
   * A started server span named {@code name}, continuing the trace its request's {@code
   * traceparent} header names; not current anywhere yet. End it with {@link #answered}.
   */
  public Span server(String name, UnaryOperator<String> headers) {
    Context parent = propagator.extract(Context.root(), headers, HEADERS);
    return tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
  }

  /**
   * Ends a {@link #server} span with the request's route template ({@code
   * /api/v1/simulations/{id}}; null when no route matched) and answer; a 5xx marks it an error.
   */
  public static void answered(Span span, String method, @Nullable String route, int status) {
    if (span.isRecording()) {
      if (route != null) {
        span.updateName(method + " " + route);
        span.setAttribute(HTTP_ROUTE, route);
      }
      span.setAttribute(HTTP_METHOD, method);
      span.setAttribute(HTTP_STATUS, status);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }

  /**
   * A span named {@code name} about {@code simulationId} (and {@code chunk}), current until closed.
   */
  public Step step(String name, UUID simulationId, @Nullable Integer chunk) {
    Span span = tracer.spanBuilder(name).startSpan();
    return new Step(span, span.makeCurrent()).about(simulationId, chunk);
  }

  /**
   * Marks a step that ended now (e.g. {@code chunk.claimed}) with its {@code outcome} on the
   * current span: a chunk's claim and commit are each one or two statements, worth a point in time
   * on the push's span rather than a span of their own (a span costs its export).
   */
  public static void event(String name, String outcome) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent(name, Attributes.of(OUTCOME, outcome));
    }
  }

  /** An open span; closing it ends it and makes its parent current again. */
  public static final class Step implements AutoCloseable {
    private final Span span;
    private final Scope scope;

    Step(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    /** Names the simulation (and chunk) the span is about. */
    public Step about(UUID simulationId, @Nullable Integer chunk) {
      if (span.isRecording()) {
        span.setAttribute(SIMULATION_ID, simulationId.toString());
        if (chunk != null) {
          span.setAttribute(CHUNK, chunk.longValue());
        }
      }
      return this;
    }

    public Step attempt(int attempt) {
      span.setAttribute("simrun.attempt", attempt);
      return this;
    }

    /** What the step ended with, e.g. {@code committed}, {@code busy}. */
    public Step outcome(String outcome) {
      span.setAttribute(OUTCOME, outcome);
      return this;
    }

    /** The HTTP status a push was answered with; a 5xx marks the span as an error. */
    public Step status(int code) {
      span.setAttribute(HTTP_STATUS, code);
      if (code >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      return this;
    }

    public Step failed(String why) {
      span.setStatus(StatusCode.ERROR, why);
      return this;
    }

    @Override
    public void close() {
      scope.close();
      span.end();
    }
  }

  /**
   * {@code work} as it will run on another thread: in the caller's trace context and with the
   * caller's log fields, both removed again when it ends.
   */
  public static <T> Callable<T> carried(Callable<T> work) {
    Context context = Context.current();
    Map<String, String> fields = MDC.getCopyOfContextMap();
    return () -> {
      if (fields != null) {
        MDC.setContextMap(fields);
      }
      Scope scope = context.makeCurrent();
      try {
        return work.call();
      } finally {
        scope.close();
        MDC.clear();
      }
    };
  }
}
