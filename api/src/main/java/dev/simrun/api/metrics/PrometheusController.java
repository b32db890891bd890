package dev.simrun.api.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /prometheus} on the management port ({@code simrun.metrics.port}) only, without
 * sign-in: Cloud Run exposes the container port alone, so only the collector sidecar in the same
 * instance reaches it; on the public port the route does not exist (decision 0035). Absent when
 * metrics are off. The page is rendered on a blocking-work thread, not on the event loop that also
 * serves the service's own requests: rendering every meter takes about 4 ms of CPU (decision 0039).
 */
@Controller(port = "${simrun.metrics.port}")
@Requires(beans = PrometheusMeterRegistry.class)
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class PrometheusController {
  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  PrometheusController(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Get(uri = "/prometheus", produces = TEXT_FORMAT)
  String scrape() {
    return registry.scrape();
  }
}
