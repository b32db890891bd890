package dev.simrun.api.metrics;

import java.util.List;

/**
 * The names the api's own meters have in the Prometheus text, histograms by their base name
 * (docs/metrics.md). The Terraform alerts and dashboard may use only names listed here or in the
 * worker's, and documented: MonitoringTerraformTest checks it; ApiMetricsTest checks each is
 * served.
 */
public final class ApiMetricNames {
  public static final List<String> ALL =
      List.of(
          "simrun_outbox_backlog",
          "simrun_simulations",
          "simrun_sse_streams_open",
          "simrun_event_delivery_seconds",
          "simrun_limit_refusals_total",
          "simrun_batch_runs_started_total",
          "simrun_batch_runs_ended_total",
          "simrun_batch_run_duration_seconds",
          "simrun_batch_last_run_start_time_seconds",
          "simrun_batch_last_run_end_time_seconds",
          "simrun_batch_last_run_duration_seconds",
          "simrun_batch_last_run_status",
          "simrun_batch_last_run_simulations");

  private ApiMetricNames() {}
}
