package dev.simrun.shared.tracing;

import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A W3C trace context: the {@code traceparent} (and {@code tracestate}) of the span that caused
 * some work, kept with a simulation so that its tasks, which are created later and elsewhere, and
 * the events its chunks publish continue the same trace.
 */
public record TraceContext(String traceparent, @Nullable String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  /** The current span's context; empty when there is no valid span (tracing off, no request). */
  public static Optional<TraceContext> current() {
    if (!Span.current().getSpanContext().isValid()) {
      return Optional.empty();
    }
    Map<String, String> carrier = new HashMap<>(4);
    W3C.inject(Context.current(), carrier, Map::put);
    String parent = carrier.get(TRACEPARENT);
    return parent == null
        ? Optional.empty()
        : Optional.of(new TraceContext(parent, carrier.get(TRACESTATE)));
  }

  /** A stored context, or null when nothing was stored. */
  public static @Nullable TraceContext of(
      @Nullable String traceparent, @Nullable String tracestate) {
    return traceparent == null ? null : new TraceContext(traceparent, tracestate);
  }

  /** The headers (or message attributes) that carry it. */
  public Map<String, String> headers() {
    return tracestate == null || tracestate.isEmpty()
        ? Map.of(TRACEPARENT, traceparent)
        : Map.of(TRACEPARENT, traceparent, TRACESTATE, tracestate);
  }

  /** The 32 hex digits of the trace id, or empty for a traceparent that is not W3C's. */
  public String traceId() {
    SpanContext span = Span.fromContext(context()).getSpanContext();
    return span.isValid() ? span.getTraceId() : "";
  }

  /** As a parent to open spans under; the root context when the traceparent is not valid. */
  public Context context() {
    return W3C.extract(Context.root(), headers(), MAP_GETTER);
  }

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };
}
