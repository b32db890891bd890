package dev.simrun.api.tracing;

import dev.simrun.shared.tracing.Tracing;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.tracing.opentelemetry.OpenTelemetryPropagationContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * Opens a server span for each request but health checks and metric scrapes, continuing the trace
 * of its {@code traceparent}, and makes it current for the request's code on whatever thread runs
 * it (Micronaut's propagated context); ends it when the answer is ready, named by the route
 * template. It replaces micronaut-tracing-opentelemetry-http's filter, which made every response
 * reactive and ran its instrumenter for traces that are not sampled (decision 0038).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(beans = OpenTelemetry.class)
class ServerSpans implements Ordered {
  private static final String SPAN = ServerSpans.class.getName() + ".span";

  private final Tracing tracing;

  ServerSpans(Tracing tracing) {
    this.tracing = tracing;
  }

  @RequestFilter
  void open(HttpRequest<?> request, MutablePropagatedContext propagated) {
    if (untraced(request.getPath())) {
      return;
    }
    Span span = tracing.server(request.getMethodName(), request.getHeaders()::get);
    request.setAttribute(SPAN, span);
    propagated.add(new OpenTelemetryPropagationContext(span.storeInContext(Context.root())));
  }

  @ResponseFilter
  void close(HttpRequest<?> request, MutableHttpResponse<?> response) {
    if (request.getAttribute(SPAN).orElse(null) instanceof Span span) {
      Tracing.answered(
          span,
          request.getMethodName(),
          BasicHttpAttributes.getUriTemplate(request).orElse(null),
          response.code());
    }
  }

  /** Health checks (Cloud Run's probes) and metric scrapes (the collector's, every 30 s). */
  static boolean untraced(String path) {
    return path.startsWith("/health") || path.equals("/prometheus");
  }

  @Override
  public int getOrder() {
    return ServerFilterPhase.TRACING.order();
  }
}
