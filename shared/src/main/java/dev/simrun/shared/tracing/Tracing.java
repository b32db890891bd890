package dev.simrun.shared.tracing;

import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.OpenTelemetry;
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
 * Opens the spans of SimRun's own steps (a chunk's claim, run and commit; a finalize) under the
 * current span. One span per step of a task, never one per event or progress report. With tracing
 * off (no OpenTelemetry bean) every span is a no-op.
 */
@Singleton
public class Tracing {
  static final String INSTRUMENTATION = "dev.simrun";

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
    Context parent = propagator.extract(Context.root(), headers, HEADERS);
    Span span =
        tracer
            .spanBuilder(name)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.route", name.substring(name.indexOf(' ') + 1))
            .startSpan();
    return new Step(span, span.makeCurrent());
  }

  /**
   * A span named {@code name} about {@code simulationId} (and {@code chunk}), current until closed.
   */
  public Step step(String name, UUID simulationId, @Nullable Integer chunk) {
    var builder =
        tracer.spanBuilder(name).setAttribute("simrun.simulation_id", simulationId.toString());
    if (chunk != null) {
      builder.setAttribute("simrun.chunk", chunk.longValue());
    }
    Span span = builder.startSpan();
    return new Step(span, span.makeCurrent());
  }

  /** An open span; closing it ends it and makes its parent current again. */
  public static final class Step implements AutoCloseable {
    private final Span span;
    private final Scope scope;

    Step(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    public Step attempt(int attempt) {
      span.setAttribute("simrun.attempt", attempt);
      return this;
    }

    /** What the step ended with, e.g. {@code committed}, {@code busy}. */
    public Step outcome(String outcome) {
      span.setAttribute("simrun.outcome", outcome);
      return this;
    }

    /** The HTTP status a push was answered with; a 5xx marks the span as an error. */
    public Step status(int code) {
      span.setAttribute("http.response.status_code", code);
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
