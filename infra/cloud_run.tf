# The Cloud Run services: the api, and the worker image deployed twice (decision 0014): `worker`
# for CPU-bound kinds, `worker-io` for I/O-bound ones, each with its own slots, instance limits and
# request concurrency. Terraform owns their configuration; Cloud Build only rolls out new
# images (`gcloud run deploy --image`), so the image is ignored after creation, together with the
# client fields gcloud stamps on the service and the traffic split (an emergency
# `gcloud run services update-traffic` must not be undone by the next apply). A `terraform apply`
# that changes the configuration creates a revision with the image currently deployed.

locals {
  # The api is public only once people can sign in: Identity Platform or IAP in front.
  api_public = var.identity_platform_enabled || var.iap_audience != ""

  # Configuration every service reads. Names match the application's configuration classes
  # (simrun.tasks.* in TasksConfig, simrun.auth.*, DATABASE_*; see docs/deploy.md).
  common_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id

    DATABASE_URL  = local.jdbc_url
    DATABASE_USER = google_sql_user.simrun.name

    # The api creates chunk tasks, the workers finalize tasks, on the queue of the simulation's
    # priority and kind: CPU-bound kinds to the worker, I/O-bound ones to worker-io. No
    # SIMRUN_TASKS_AUDIENCE: each task's audience is then the URL of the worker it goes to, which
    # is what that worker checks (SIMRUN_AUTH_AUDIENCE below).
    SIMRUN_TASKS_PROJECT               = var.project_id
    SIMRUN_TASKS_LOCATION              = var.region
    SIMRUN_TASKS_INTERACTIVE_QUEUE     = google_cloud_tasks_queue.queues["interactive"].name
    SIMRUN_TASKS_BATCH_QUEUE           = google_cloud_tasks_queue.queues["batch"].name
    SIMRUN_TASKS_INTERACTIVE_IO_QUEUE  = google_cloud_tasks_queue.queues["interactive_io"].name
    SIMRUN_TASKS_BATCH_IO_QUEUE        = google_cloud_tasks_queue.queues["batch_io"].name
    SIMRUN_TASKS_FINALIZE_QUEUE        = google_cloud_tasks_queue.queues["finalize"].name
    SIMRUN_TASKS_WORKER_URL            = local.worker_url
    SIMRUN_TASKS_IO_WORKER_URL         = local.worker_io_url
    SIMRUN_TASKS_SERVICE_ACCOUNT_EMAIL = google_service_account.tasks.email

    SIMRUN_PUBSUB_ENABLED           = "true"
    SIMRUN_PUBSUB_PROJECT           = var.project_id
    SIMRUN_PUBSUB_EVENTS_TOPIC      = google_pubsub_topic.events.name
    SIMRUN_PUBSUB_DEAD_LETTER_TOPIC = google_pubsub_topic.dead_letters.name

    # Google's ID tokens (Cloud Tasks, Cloud Scheduler) are issued by accounts.google.com.
    SIMRUN_AUTH_ISSUER = "https://accounts.google.com"

    # /prometheus on a port Cloud Run does not expose, scraped by the collector sidecar (monitoring.tf).
    SIMRUN_METRICS_PORT = tostring(var.metrics_port)

    # Logs and traces (decision 0036): JSON lines Cloud Logging reads (severity, trace, span);
    # spans over OTLP to the collector beside the service, which forwards them to Cloud Trace
    # (none without the collector: there would be nobody to take them).
    SIMRUN_LOG_FORMAT            = "json"
    SIMRUN_TRACING_EXPORTER      = var.metrics_collector_enabled ? "otlp" : "none"
    SIMRUN_TRACING_OTLP_ENDPOINT = "http://localhost:4317"
    SIMRUN_TRACING_SAMPLER_RATIO = tostring(var.tracing_sampler_ratio)
  }

  api_env = merge(local.common_env, {
    # Migrations run once per deploy in Cloud Build, never at instance start.
    SIMRUN_MIGRATE_AT_START = "false"

    # People sign in with Identity Platform: the api trusts its ID tokens for this project and
    # refuses to start without it (decision 0024); behind IAP, also IAP's signed assertion.
    SIMRUN_IDENTITY_PROJECT          = var.project_id
    SIMRUN_IDENTITY_OPERATORS_EMAILS = join(",", var.operator_emails)

    # /internal/** (Cloud Scheduler) is verified by the api itself, the api being public:
    # a Google-signed token for the api's URL from the scheduler account.
    SIMRUN_AUTH_AUDIENCE                 = local.api_url
    SIMRUN_AUTH_ALLOWED_SERVICE_ACCOUNTS = google_service_account.scheduler.email

    # Public (invoker IAM check off): the token reaches the api with its signature, verified in full.
    SIMRUN_AUTH_PLATFORM_VERIFIED = tostring(!local.api_public)

    DATABASE_POOL_SIZE = tostring(var.api_db_pool_size)

    # Chunks are sized from the slots that will run them (decision 0014): the fleet's totals.
    SIMRUN_PLANNING_CPU_SLOTS = tostring(local.cpu_slots)
    SIMRUN_PLANNING_IO_SLOTS  = tostring(local.io_slots)

    # /health is public on the api: say UP or DOWN, never the JDBC URL or disk details.
    SIMRUN_HEALTH_DETAILS_VISIBLE = "NEVER"
    },
    # Behind IAP, its signed assertion signs people in too (set only then: the api reads it when set).
    { for k, v in { SIMRUN_IDENTITY_IAP_AUDIENCE = var.iap_audience } : k => v if v != "" },
    # The console's email and password sign-in with Identity Platform (decision 0032): the web app's
    # API key, public by design (every browser reads it from the page). Set only when given.
    { for k, v in { SIMRUN_IDENTITY_WEB_API_KEY = var.identity_platform_web_api_key } : k => v if v != "" },
  var.api_extra_env)

  # What both worker services share.
  worker_common_env = merge(local.common_env, {
    # Pushes must carry a Google-signed token for the worker's own URL (SIMRUN_AUTH_AUDIENCE, set
    # per service below) from the tasks account. With the invoker IAM check on, Cloud Run verifies
    # it and forwards it with the signature replaced by SIGNATURE_REMOVED_BY_GOOGLE; the worker then
    # checks issuer, audience, expiry and account (SIMRUN_AUTH_PLATFORM_VERIFIED=true). With the
    # check off, the worker verifies the signature too.
    SIMRUN_AUTH_ALLOWED_SERVICE_ACCOUNTS = google_service_account.tasks.email
    SIMRUN_AUTH_PLATFORM_VERIFIED        = tostring(var.worker_invoker_iam_check)

    # The worker records a dead letter once this many attempts of a task failed; the queues retry
    # without limit (decision 0012).
    SIMRUN_TASKS_MAX_ATTEMPTS = tostring(var.tasks_max_attempts)

    # The waiting room (decision 0014): a push that finds every slot busy waits up to the admission
    # wait for one, at most waiting-per-slot pushes per slot; a freed slot goes to an interactive
    # chunk first, batch chunks keep at least the batch share. Still waiting at the end: 429 +
    # Retry-After, before any claim. The wait counts inside Cloud Tasks' dispatch deadline: keep the
    # worker's hard time limit (simrun.worker.hard-time-limit, 570 s by default; not set here) +
    # the admission wait <= tasks_dispatch_deadline_seconds, or Cloud Tasks gives up on a push whose
    # chunk is still within its limits. Terraform sets neither the hard time limit nor the deadline,
    # so it cannot check this; change them together (worker_extra_env, api_extra_env).
    SIMRUN_WORKER_ADMISSION_WAIT   = "${var.worker_admission_wait_seconds}s"
    SIMRUN_WORKER_WAITING_PER_SLOT = tostring(var.worker_waiting_per_slot)
    SIMRUN_WORKER_BATCH_SHARE      = tostring(var.worker_batch_share)
  })

  # The worker services: what differs between them (google_cloud_run_v2_service.workers below
  # holds what they share). Each key is a service's Terraform address
  # (google_cloud_run_v2_service.workers["worker_io"]) and keys its run.invoker and run.developer
  # grants (iam.tf): renaming a key destroys that service and creates a new one unless a moved block
  # goes with it. Cloud Run names and URLs, request concurrency and pool sizes are computed in
  # main.tf. concurrency_limit_error: the plan fails with it when request_concurrency exceeds Cloud
  # Run's limit.
  worker_services = {
    # CPU-bound kinds (strategy-backtest), from simulations-interactive and simulations-batch.
    # Request concurrency: slots x (1 + waiting per slot) + finalize pushes (main.tf): pushes waiting
    # in the worker's waiting room are requests in flight too.
    worker = {
      name                = local.worker_service_name
      description         = "SimRun worker for CPU-bound kinds: runs their chunks and finalizes their simulations, pushed by Cloud Tasks."
      request_concurrency = local.worker_request_concurrency
      min_instances       = var.worker_min_instances
      max_instances       = var.worker_max_instances
      cpu                 = var.worker_cpu
      memory              = var.worker_memory

      # CPU-bound queues only. Its one I/O slot serves I/O-bound chunks that reach it anyway (tasks
      # created before decision 0014 was deployed, still in the CPU-bound queues).
      env = merge(local.worker_common_env, {
        SIMRUN_AUTH_AUDIENCE                   = local.worker_url
        SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS    = tostring(var.worker_concurrency)
        SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS = "1"
        DATABASE_POOL_SIZE                     = tostring(local.worker_db_pool_size)
      }, var.worker_extra_env)

      concurrency_limit_error = "Request concurrency of the worker service, worker_concurrency x (1 + worker_waiting_per_slot) + ${local.worker_finalize_requests} = ${local.worker_request_concurrency}, exceeds Cloud Run's limit of ${local.cloud_run_max_request_concurrency}. Lower worker_concurrency or worker_waiting_per_slot (and add instances instead)."
    }

    # I/O-bound kinds (forecast-backtest), from simulations-interactive-io and simulations-batch-io:
    # the same image, runtime account, probes and shared environment as the worker, its own slots,
    # instances, CPU and memory. Cloud Build rolls out the worker image to both services.
    worker_io = {
      name                = local.worker_io_service_name
      description         = "SimRun worker for I/O-bound kinds: runs their chunks and finalizes their simulations, pushed by Cloud Tasks."
      request_concurrency = local.worker_io_request_concurrency
      min_instances       = var.worker_io_min_instances
      max_instances       = var.worker_io_max_instances
      cpu                 = var.worker_io_cpu
      memory              = var.worker_io_memory

      # I/O-bound queues only. CPU-bound chunks never reach it: one CPU slot, the smallest limit (0
      # would mean one per core).
      env = merge(local.worker_common_env, {
        SIMRUN_AUTH_AUDIENCE                   = local.worker_io_url
        SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS    = "1"
        SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS = tostring(var.worker_io_concurrency)
        DATABASE_POOL_SIZE                     = tostring(local.worker_io_db_pool_size)
      }, var.worker_extra_env, var.worker_io_extra_env)

      concurrency_limit_error = "Request concurrency of the worker-io service, worker_io_concurrency x (1 + worker_waiting_per_slot) + ${local.worker_finalize_requests} = ${local.worker_io_request_concurrency}, exceeds Cloud Run's limit of ${local.cloud_run_max_request_concurrency}. Lower worker_io_concurrency or worker_waiting_per_slot (and add instances instead)."
    }
  }

  # Cloud Run's largest max_instance_request_concurrency.
  cloud_run_max_request_concurrency = 1000
}

resource "google_cloud_run_v2_service" "api" {
  project     = var.project_id
  location    = var.region
  name        = local.api_service_name
  description = "SimRun api: REST, SSE progress, outbox dispatcher, scheduler and dead-letter endpoints, web app."
  # Behind IAP only the load balancer may reach it.
  ingress             = var.iap_audience == "" ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  deletion_protection = var.deletion_protection

  # Private by default; public without an allUsers binding once people can sign in (Identity
  # Platform or IAP, see local.api_public). /internal/** is protected by the api itself: Cloud
  # Scheduler's OIDC token, verified in full.
  invoker_iam_disabled = local.api_public

  template {
    service_account                  = google_service_account.api.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    timeout                          = "${var.api_timeout_seconds}s"
    max_instance_request_concurrency = var.api_concurrency
    # SSE reconnects land on the instance that already follows the simulation when possible.
    session_affinity = true

    scaling {
      min_instance_count = var.api_min_instances
      max_instance_count = var.api_max_instances
    }

    containers {
      image = var.api_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.api_cpu
          memory = var.api_memory
        }
        # CPU always allocated: SSE streams, the Pub/Sub streaming pull and the outbox dispatcher
        # work between requests.
        cpu_idle          = false
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.api_env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "DATABASE_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.db_password.secret_id
            version = google_secret_manager_secret_version.db_password.version
          }
        }
      }

      # Ready once /health answers 200 (database included): a revision that cannot reach the
      # database never takes traffic, and the previous one keeps serving.
      startup_probe {
        http_get {
          path = var.api_health_path
          port = 8080
        }
        initial_delay_seconds = 5
        period_seconds        = 5
        timeout_seconds       = 3
        failure_threshold     = 24
      }

      dynamic "liveness_probe" {
        for_each = var.api_liveness_path == "" ? [] : [var.api_liveness_path]
        content {
          http_get {
            path = liveness_probe.value
            port = 8080
          }
          period_seconds    = 30
          timeout_seconds   = 5
          failure_threshold = 3
        }
      }
    }

    # The collector sidecar (monitoring.tf, decision 0035): scrapes /prometheus on the management
    # port, receives OTLP traces on localhost:4317.
    dynamic "containers" {
      for_each = var.metrics_collector_enabled ? ["api"] : []
      content {
        name  = "otel-collector"
        image = var.metrics_collector_image
        args  = ["--config=${local.collector_config_dir}/config.yaml"]
        resources {
          limits = {
            cpu    = var.metrics_collector_cpu
            memory = var.metrics_collector_memory
          }
        }
        volume_mounts {
          name       = "otel-collector-config"
          mount_path = local.collector_config_dir
        }
        startup_probe {
          http_get {
            path = "/"
            port = local.collector_health_port
          }
          period_seconds    = 2
          timeout_seconds   = 2
          failure_threshold = 30
        }
      }
    }

    dynamic "volumes" {
      for_each = var.metrics_collector_enabled ? ["api"] : []
      content {
        name = "otel-collector-config"
        secret {
          secret = google_secret_manager_secret.collector_config[volumes.value].secret_id
          items {
            version = "latest"
            path    = "config.yaml"
          }
        }
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    ignore_changes = [
      template[0].containers[0].image,
      client,
      client_version,
      traffic,
    ]
  }

  depends_on = [
    google_project_service.enabled,
    google_secret_manager_secret_iam_member.db_password_accessor,
    google_project_iam_member.cloudsql_client,
    # With worker_runtime = cloud_function, the api sends tasks to the functions only once they
    # serve and Cloud Tasks may invoke them (worker_function.tf).
    google_cloud_run_v2_service_iam_member.worker_function_invoker_tasks,
  ]
}

# The worker services, one per entry of local.worker_services: the worker image with the same
# runtime account, ingress, invoker check, timeout, probes and shared environment; each entry sets
# its name, slots (request concurrency, environment), instances, CPU and memory.
resource "google_cloud_run_v2_service" "workers" {
  # None when the workers run as Cloud Functions (worker_function.tf).
  for_each = { for key, worker in local.worker_services : key => worker if !local.worker_as_function }

  project             = var.project_id
  location            = var.region
  name                = each.value.name
  description         = each.value.description
  ingress             = var.worker_ingress
  deletion_protection = var.deletion_protection

  # Private: only the tasks service account holds run.invoker (iam.tf). See var.worker_invoker_iam_check.
  invoker_iam_disabled = !var.worker_invoker_iam_check

  template {
    service_account                  = google_service_account.worker.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    timeout                          = "${var.worker_timeout_seconds}s"
    max_instance_request_concurrency = each.value.request_concurrency

    scaling {
      min_instance_count = each.value.min_instances
      max_instance_count = each.value.max_instances
    }

    containers {
      image = var.worker_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        # Billed per request: a chunk's work happens inside its request (results committed,
        # progress published and flushed, finalize enqueued before the response).
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = each.value.env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "DATABASE_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.db_password.secret_id
            version = google_secret_manager_secret_version.db_password.version
          }
        }
      }

      dynamic "startup_probe" {
        for_each = var.worker_health_path == "" ? [] : [var.worker_health_path]
        content {
          http_get {
            path = startup_probe.value
            port = 8080
          }
          initial_delay_seconds = 5
          period_seconds        = 5
          timeout_seconds       = 3
          failure_threshold     = 24
        }
      }

      dynamic "startup_probe" {
        for_each = var.worker_health_path == "" ? [8080] : []
        content {
          tcp_socket {
            port = startup_probe.value
          }
          initial_delay_seconds = 0
          period_seconds        = 2
          timeout_seconds       = 2
          failure_threshold     = 60
        }
      }
    }

    # The collector sidecar (monitoring.tf, decision 0035): scrapes /prometheus on the management
    # port, receives OTLP traces on localhost:4317.
    dynamic "containers" {
      for_each = var.metrics_collector_enabled ? [each.key] : []
      content {
        name  = "otel-collector"
        image = var.metrics_collector_image
        args  = ["--config=${local.collector_config_dir}/config.yaml"]
        resources {
          limits = {
            cpu    = var.metrics_collector_cpu
            memory = var.metrics_collector_memory
          }
        }
        volume_mounts {
          name       = "otel-collector-config"
          mount_path = local.collector_config_dir
        }
        startup_probe {
          http_get {
            path = "/"
            port = local.collector_health_port
          }
          period_seconds    = 2
          timeout_seconds   = 2
          failure_threshold = 30
        }
      }
    }

    dynamic "volumes" {
      for_each = var.metrics_collector_enabled ? [each.key] : []
      content {
        name = "otel-collector-config"
        secret {
          secret = google_secret_manager_secret.collector_config[volumes.value].secret_id
          items {
            version = "latest"
            path    = "config.yaml"
          }
        }
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    ignore_changes = [
      template[0].containers[0].image,
      client,
      client_version,
      traffic,
    ]

    precondition {
      condition     = var.worker_timeout_seconds >= var.tasks_dispatch_deadline_seconds
      error_message = "worker_timeout_seconds (${var.worker_timeout_seconds}) must be at least tasks_dispatch_deadline_seconds (${var.tasks_dispatch_deadline_seconds}): Cloud Run would cut chunks Cloud Tasks still waits for."
    }

    precondition {
      condition     = each.value.request_concurrency <= local.cloud_run_max_request_concurrency
      error_message = each.value.concurrency_limit_error
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_secret_manager_secret_iam_member.db_password_accessor,
    google_project_iam_member.cloudsql_client,
  ]
}

# The services' addresses before they became entries of local.worker_services: each moves to its
# entry, so the next apply neither destroys nor re-creates a service.
moved {
  from = google_cloud_run_v2_service.worker
  to   = google_cloud_run_v2_service.workers["worker"]
}

moved {
  from = google_cloud_run_v2_service.worker_io
  to   = google_cloud_run_v2_service.workers["worker_io"]
}
