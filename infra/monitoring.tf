# Metrics, traces, alerts and a dashboard (decision 0035, docs/metrics.md).
#
# Each Cloud Run service runs Google's build of the OpenTelemetry Collector as a sidecar
# (cloud_run.tf): it scrapes the application's /prometheus on the management port, which Cloud Run
# does not expose (only the ingress container's port is public), into Google Cloud Managed Service
# for Prometheus, and receives OTLP traces on localhost:4317 for Cloud Trace. Its configuration is a
# secret per service, mounted as a file, as Google documents for Cloud Run. The alert policies and
# the dashboard below query those metrics with PromQL, and Cloud Run's and Cloud Tasks' own metrics
# where they say it better. Every metric name used here must be in docs/metrics.md and registered by
# the services: MonitoringTerraformTest and MetricsEndToEndTest check it.

locals {
  # The Cloud Run service each collector runs beside, and the Prometheus job its metrics carry.
  collector_services = {
    api       = local.api_service_name
    worker    = local.worker_service_name
    worker_io = local.worker_io_service_name
  }

  collector_config = {
    for key, service in local.collector_services : key => yamlencode({
      receivers = {
        prometheus = {
          config = {
            scrape_configs = [{
              job_name        = service
              scrape_interval = "${var.metrics_scrape_interval_seconds}s"
              metrics_path    = "/prometheus"
              static_configs  = [{ targets = ["localhost:${var.metrics_port}"] }]
            }]
          }
        }
        otlp = {
          protocols = {
            grpc = { endpoint = "localhost:4317" }
          }
        }
      }
      processors = {
        resourcedetection = {
          detectors = ["env", "gcp"]
          timeout   = "10s"
        }
        memory_limiter = {
          check_interval         = "1s"
          limit_percentage       = 65
          spike_limit_percentage = 20
        }
        batch = {}
      }
      exporters = {
        googlemanagedprometheus = {}
        googlecloud             = {}
      }
      extensions = {
        health_check = { endpoint = "0.0.0.0:${local.collector_health_port}" }
      }
      service = {
        extensions = ["health_check"]
        pipelines = {
          metrics = {
            receivers  = ["prometheus"]
            processors = ["resourcedetection", "memory_limiter", "batch"]
            exporters  = ["googlemanagedprometheus"]
          }
          traces = {
            receivers  = ["otlp"]
            processors = ["resourcedetection", "memory_limiter", "batch"]
            exporters  = ["googlecloud"]
          }
        }
      }
    })
  }

  collector_health_port = 13133
  collector_config_dir  = "/etc/otelcol-google"

  alert_channels = var.alert_notification_channels
}

resource "google_project_service" "observability" {
  for_each = toset([
    "monitoring.googleapis.com",
    "cloudtrace.googleapis.com",
  ])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# The collectors write metrics and traces as the services' runtime accounts.
resource "google_project_iam_member" "telemetry_writer" {
  for_each = {
    api_metrics    = { role = "roles/monitoring.metricWriter", member = google_service_account.api.member }
    worker_metrics = { role = "roles/monitoring.metricWriter", member = google_service_account.worker.member }
    api_traces     = { role = "roles/cloudtrace.agent", member = google_service_account.api.member }
    worker_traces  = { role = "roles/cloudtrace.agent", member = google_service_account.worker.member }
  }

  project = var.project_id
  role    = each.value.role
  member  = each.value.member
}

resource "google_secret_manager_secret" "collector_config" {
  for_each = var.metrics_collector_enabled ? local.collector_services : {}

  project   = var.project_id
  secret_id = "${each.value}-otel-collector-config"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "collector_config" {
  for_each = google_secret_manager_secret.collector_config

  secret      = each.value.id
  secret_data = local.collector_config[each.key]
}

resource "google_secret_manager_secret_iam_member" "collector_config_accessor" {
  for_each = google_secret_manager_secret.collector_config

  project   = var.project_id
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.key == "api" ? google_service_account.api.member : google_service_account.worker.member
}

# ---------------------------------------------------------------------------------------------
# Alert policies. PromQL over the services' own metrics (Managed Service for Prometheus) and over
# Cloud Run's and Cloud Tasks' built-in metrics.
# ---------------------------------------------------------------------------------------------

locals {
  promql_alerts = {
    cpu = {
      name     = "SimRun: CPU above 80%"
      query    = "histogram_quantile(0.95, sum by (service_name, le) (rate(run_googleapis_com:container_cpu_utilizations_bucket{monitored_resource=\"cloud_run_revision\"}[5m]))) > 0.8"
      duration = "300s"
      doc      = "A Cloud Run service's containers use more than 80% of their CPU (95th percentile over 5 minutes). Chunks run slower and the waiting room fills: add instances or CPU."
    }
    memory = {
      name     = "SimRun: memory above 70%"
      query    = "histogram_quantile(0.95, sum by (service_name, le) (rate(run_googleapis_com:container_memory_utilizations_bucket{monitored_resource=\"cloud_run_revision\"}[5m]))) > 0.7"
      duration = "300s"
      doc      = "A Cloud Run service's containers use more than 70% of their memory. Check the dataset cache and open streams before an instance is killed."
    }
    response_time = {
      name     = "SimRun: api response time above 60 s"
      query    = "max by (uri) (http_server_requests_seconds_max{job=\"${local.api_service_name}\", uri!~\".*/events\"}) > 60"
      duration = "60s"
      doc      = "An api request other than an event stream took more than 60 s (streams stay open by design and are left out). Look for a slow query or a saturated connection pool (hikaricp_connections_pending)."
    }
    error_rate = {
      name     = "SimRun: api error rate above 5%"
      query    = "sum(rate(http_server_requests_seconds_count{job=\"${local.api_service_name}\", status=~\"5..\"}[5m])) / sum(rate(http_server_requests_seconds_count{job=\"${local.api_service_name}\"}[5m])) > 0.05"
      duration = "300s"
      doc      = "More than 5% of the api's answers are 5xx. The worker's 5xx are retries by design and are watched by the dead-letter alert instead."
    }
    dead_letters = {
      name     = "SimRun: dead letters"
      query    = "sum(increase(simrun_chunks_dead_lettered_total[10m])) > 0"
      duration = "0s"
      doc      = "A chunk failed for good and became a dead letter. Inspect it at /api/v1/admin/dead-letters, fix the cause, replay or discard it."
    }
    outbox_growing = {
      name     = "SimRun: outbox backlog growing for 5 minutes"
      query    = "max(simrun_outbox_backlog) > 0 and max(deriv(simrun_outbox_backlog[5m])) > 0"
      duration = "300s"
      doc      = "Accepted work is not reaching Cloud Tasks: the api's outbox pump fails to create tasks (quota, permissions, Cloud Tasks unavailable). Read the api's log for 'outbox'."
    }
    batch_timed_out = {
      name     = "SimRun: batch run timed out or missed"
      query    = "sum by (batch) (increase(simrun_batch_runs_ended_total{outcome=~\"timed_out|missed\"}[30m])) > 0"
      duration = "0s"
      doc      = "A batch run reached its deadline with simulations unfinished (TIMED_OUT), or its trigger came too late to start (MISSED). See /api/v1/batches/{name}/runs."
    }
    batch_late = {
      name     = "SimRun: batch run late"
      query    = "time() - max by (batch) (simrun_batch_last_run_start_time_seconds) > ${var.batch_late_after_seconds}"
      duration = "600s"
      doc      = "No run of a batch started for longer than its schedule allows (batch_late_after_seconds). Check its Cloud Scheduler job and the api's /internal/v1/batches answers."
    }
    sse_delivery = {
      name     = "SimRun: event delivery p99 above 1 s"
      query    = "histogram_quantile(0.99, sum by (le) (rate(simrun_event_delivery_seconds_bucket{source=\"pubsub\"}[5m]))) > 1"
      duration = "300s"
      doc      = "Progress reaches browsers late: the 99th percentile from an event's creation to its hand-off to open streams is above 1 s. Check Pub/Sub's subscription backlog and the api's CPU."
    }
  }
}

resource "google_monitoring_alert_policy" "promql" {
  for_each = local.promql_alerts

  project      = var.project_id
  display_name = each.value.name
  combiner     = "OR"
  severity     = "WARNING"

  conditions {
    display_name = each.value.name
    condition_prometheus_query_language {
      query               = each.value.query
      duration            = each.value.duration
      evaluation_interval = "60s"
    }
  }

  documentation {
    content   = each.value.doc
    mime_type = "text/markdown"
  }

  notification_channels = local.alert_channels
  user_labels           = var.labels

  depends_on = [google_project_service.observability]
}

# Cloud Tasks' queue depth: chunks waiting to be pushed, per queue.
resource "google_monitoring_alert_policy" "queue_depth" {
  project      = var.project_id
  display_name = "SimRun: queue length above 50"
  combiner     = "OR"
  severity     = "WARNING"

  conditions {
    display_name = "Cloud Tasks queue depth above 50"
    condition_threshold {
      filter          = "resource.type = \"cloud_tasks_queue\" AND metric.type = \"cloudtasks.googleapis.com/queue/depth\""
      comparison      = "COMPARISON_GT"
      threshold_value = 50
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "More than 50 tasks wait in a Cloud Tasks queue for 5 minutes: every worker slot that could run them is busy. Add worker instances (worker_max_instances) or look for slow chunks (simrun_chunk_duration_seconds)."
    mime_type = "text/markdown"
  }

  notification_channels = local.alert_channels
  user_labels           = var.labels

  depends_on = [google_project_service.observability]
}

# ---------------------------------------------------------------------------------------------
# The dashboard: one tile per question an on-call person asks first.
# ---------------------------------------------------------------------------------------------

locals {
  dashboard_tiles = [
    { title = "Chunks per second by outcome", query = "sum by (outcome) (rate(simrun_chunk_duration_seconds_count[5m]))" },
    { title = "Chunks refused (429) per second", query = "sum by (reason, priority) (rate(simrun_chunks_refused_total[5m]))" },
    { title = "Chunk duration p50 / p95 (s)", query = "histogram_quantile(0.95, sum by (kind, le) (rate(simrun_chunk_duration_seconds_bucket{outcome=\"succeeded\"}[5m])))" },
    { title = "Queue wait p95 (s) by priority", query = "histogram_quantile(0.95, sum by (priority, le) (rate(simrun_chunk_queue_wait_seconds_bucket[5m])))" },
    { title = "Dead letters (10 min)", query = "sum by (kind) (increase(simrun_chunks_dead_lettered_total[10m]))" },
    { title = "Outbox backlog", query = "max(simrun_outbox_backlog)" },
    { title = "Unfinished simulations by status", query = "max by (status) (simrun_simulations)" },
    { title = "Open event streams", query = "sum(simrun_sse_streams_open)" },
    { title = "Event delivery p99 (s)", query = "histogram_quantile(0.99, sum by (source, le) (rate(simrun_event_delivery_seconds_bucket[5m])))" },
    { title = "Limit refusals per second", query = "sum by (limit) (rate(simrun_limit_refusals_total[5m]))" },
    { title = "Database connections in use", query = "sum by (job) (hikaricp_connections_active)" },
    { title = "Batch runs ended (24 h) by outcome", query = "sum by (batch, outcome) (increase(simrun_batch_runs_ended_total[24h]))" },
    { title = "Latest batch run: start and end (unix time)", query = "label_replace(max by (batch) (simrun_batch_last_run_start_time_seconds), \"time\", \"start\", \"\", \"\") or label_replace(max by (batch) (simrun_batch_last_run_end_time_seconds), \"time\", \"end\", \"\", \"\")" },
    { title = "Latest batch run: duration (s)", query = "max by (batch) (simrun_batch_last_run_duration_seconds)" },
    { title = "Latest batch run: simulations done / failed / timed out", query = "max by (batch, outcome) (simrun_batch_last_run_simulations{outcome=~\"done|failed|timed_out\"})" },
    { title = "Latest batch run: success rate", query = "max by (batch) (simrun_batch_last_run_simulations{outcome=\"done\"}) / clamp_min(sum by (batch) (max by (batch, outcome) (simrun_batch_last_run_simulations)), 1)" },
    { title = "Latest batch run: status", query = "max by (batch, status) (simrun_batch_last_run_status) == 1" },
    { title = "Batch run duration p95 (s)", query = "histogram_quantile(0.95, sum by (batch, le) (rate(simrun_batch_run_duration_seconds_bucket[1d])))" },
  ]
}

resource "google_monitoring_dashboard" "simrun" {
  project = var.project_id
  dashboard_json = jsonencode({
    displayName = "SimRun"
    mosaicLayout = {
      columns = 12
      tiles = [
        for i, tile in local.dashboard_tiles : {
          xPos   = (i % 2) * 6
          yPos   = floor(i / 2) * 4
          width  = 6
          height = 4
          widget = {
            title = tile.title
            xyChart = {
              dataSets = [{
                plotType        = "LINE"
                timeSeriesQuery = { prometheusQuery = tile.query }
              }]
            }
          }
        }
      ]
    }
  })

  depends_on = [google_project_service.observability]
}
