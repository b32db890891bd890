# ---------------------------------------------------------------------------------------------------
# Project
# ---------------------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project that holds every SimRun resource."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run, Cloud Tasks, Cloud Scheduler, Cloud SQL and Artifact Registry. Keep them together: Cloud Tasks counts as internal traffic for the worker only from the same project, and Cloud SQL round trips stay in-region."
  type        = string
  default     = "us-central1"
}

variable "name_prefix" {
  description = "Prefix of resource names: services <prefix>-api, <prefix>-worker and <prefix>-worker-io, service accounts <prefix>-api@..., the Cloud SQL instance <prefix>-pg. Short: service account ids are limited to 30 characters."
  type        = string
  default     = "simrun"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}$", var.name_prefix))
    error_message = "name_prefix must be 2-19 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "labels" {
  description = "Labels put on every resource that takes labels (provider default_labels, and the Cloud SQL instance)."
  type        = map(string)
  default = {
    app        = "simrun"
    managed-by = "terraform"
  }
}

# ---------------------------------------------------------------------------------------------------
# Images. Only used when a service is first created: afterwards Cloud Build deploys images with
# `gcloud run services update --image` and Terraform ignores the image (see cloud_run.tf).
# ---------------------------------------------------------------------------------------------------

variable "api_image" {
  description = "Image of the api when the service is first created. The default is Google's sample container, so the first apply works before any image was built; the first Cloud Build run replaces it."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "worker_image" {
  description = "Image of both worker services (worker and worker-io) when they are first created (see api_image)."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "artifact_repository_id" {
  description = "Artifact Registry Docker repository for the api and worker images."
  type        = string
  default     = "simrun"
}

variable "image_versions_to_keep" {
  description = "Most recent versions of each image kept by the cleanup policy, whatever their age; older ones are deleted after image_max_age_days. Keep enough to roll back."
  type        = number
  default     = 30
}

variable "image_max_age_days" {
  description = "Images older than this (and not among the most recent image_versions_to_keep) are deleted."
  type        = number
  default     = 90
}

variable "create_dockerhub_mirror" {
  description = "Create an Artifact Registry remote repository 'dockerhub' that caches Docker Hub (base images, the Maven and Flyway build images), so builds do not hit Docker Hub's anonymous pull limits. cloudbuild.yaml pulls through it by default (_DOCKERHUB)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------
# api service
# ---------------------------------------------------------------------------------------------------

variable "api_cpu" {
  description = "vCPUs per api instance. CPU is always allocated (SSE, Pub/Sub streaming pull and the outbox dispatcher run outside requests)."
  type        = string
  default     = "1"
}

variable "api_memory" {
  description = "Memory per api instance; the JVM heap takes 75% (-XX:MaxRAMPercentage=75)."
  type        = string
  default     = "1Gi"
}

variable "api_min_instances" {
  description = "Minimum api instances. At least 1: the dispatcher drains the outbox every second and Pub/Sub subscriptions must exist for SSE clients."
  type        = number
  default     = 1

  validation {
    condition     = var.api_min_instances >= 1
    error_message = "api_min_instances must be at least 1 (the outbox dispatcher and the SSE hub live in the api)."
  }
}

variable "api_max_instances" {
  description = "Maximum api instances. Each holds api_db_pool_size database connections and one Pub/Sub subscription."
  type        = number
  default     = 4
}

variable "api_concurrency" {
  description = "Concurrent requests per api instance. Open SSE streams count as requests, so this is high; they are cheap (no thread per stream)."
  type        = number
  default     = 200
}

variable "api_timeout_seconds" {
  description = "Request timeout of the api. SSE streams are cut at this point and clients reconnect with Last-Event-ID. 3600 is Cloud Run's maximum."
  type        = number
  default     = 3600
}

variable "api_db_pool_size" {
  description = "Maximum JDBC connections per api instance (Hikari maximum-pool-size)."
  type        = number
  default     = 10
}

variable "identity_platform_enabled" {
  description = "Set true once Identity Platform (Firebase Authentication) is enabled in the project with the sign-in providers people use. The api is then public (Cloud Run's invoker IAM check disabled, not an allUsers binding, so it works under 'Domain restricted sharing'), and every /api route verifies Identity Platform ID tokens itself (decision 0024). While false and iap_audience is empty, the api is private: only principals with run.invoker reach it, and no person can sign in."
  type        = bool
  default     = false
}

variable "identity_platform_web_api_key" {
  description = "The Web API key of the Identity Platform (Firebase) web app, from the project's settings. When set, the console's sign-in page signs people in with email and password through Identity Platform's REST API (decision 0032); the Email/Password provider must be enabled. Public by design: every browser reads it from the page. Empty: no password sign-in (behind IAP, IAP signs people in)."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]*$", var.identity_platform_web_api_key))
    error_message = "identity_platform_web_api_key must be a web API key: letters, digits, - and _ only."
  }
}

variable "iap_audience" {
  description = "When the api sits behind Identity-Aware Proxy (an external HTTPS load balancer with a serverless NEG and IAP on its backend service): the audience IAP signs for it, /projects/<project number>/global/backendServices/<backend service id>. The api then verifies the signed X-Goog-IAP-JWT-Assertion header, its ingress is limited to the load balancer, and the invoker IAM check is off (IAP decides who gets in). Empty: no IAP."
  type        = string
  default     = ""

  validation {
    condition     = var.iap_audience == "" || can(regex("^/projects/[0-9]+/", var.iap_audience))
    error_message = "iap_audience must look like /projects/<project number>/global/backendServices/<id>."
  }
}

variable "operator_emails" {
  description = "Emails (verified by the identity provider) of the people who may act as operators: every owner's dead letters, batches. Operators can also be named by an Identity Platform custom claim role = operator."
  type        = list(string)
  default     = []
}

variable "api_health_path" {
  description = "Path of the api's startup probe (must answer 200 without authentication once the api can serve; Micronaut management's /health includes the database)."
  type        = string
  default     = "/health"
}

variable "api_liveness_path" {
  description = "Path of the api's liveness probe; empty for none. Must not depend on the database or Pub/Sub, or an outage of either would restart every instance."
  type        = string
  default     = "/health/liveness"
}

variable "api_extra_env" {
  description = "Additional plain environment variables for the api (name => value)."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# worker services: one image deployed twice (decision 0014). `worker` runs CPU-bound kinds
# (strategy-backtest) from the simulations-interactive and simulations-batch queues; `worker-io`
# runs I/O-bound kinds (forecast-backtest) from simulations-interactive-io and simulations-batch-io.
# ---------------------------------------------------------------------------------------------------

variable "worker_cpu" {
  description = "vCPUs per instance of the worker service (CPU-bound chunks): keep worker_concurrency close to this."
  type        = string
  default     = "4"
}

variable "worker_memory" {
  description = "Memory per instance of the worker service (datasets are cached per instance, see the cost notes)."
  type        = string
  default     = "4Gi"
}

variable "worker_min_instances" {
  description = "Minimum instances of the worker service. 0 scales to zero between runs (the first chunk of a run pays a cold start)."
  type        = number
  default     = 0
}

variable "worker_max_instances" {
  description = "Maximum instances of the worker service. Times worker_concurrency, the CPU slots: max concurrent dispatches of each CPU-bound queue and the api's SIMRUN_PLANNING_CPU_SLOTS. Also bounds the worker's database connections."
  type        = number
  default     = 10

  validation {
    condition     = var.worker_max_instances >= 1
    error_message = "worker_max_instances must be at least 1."
  }
}

variable "worker_concurrency" {
  description = "CPU-bound chunks one instance of the worker service runs at once (SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS). Keep it at worker_cpu: more would share the cores and add memory, not finish sooner."
  type        = number
  default     = 4

  validation {
    condition     = var.worker_concurrency >= 1 && floor(var.worker_concurrency) == var.worker_concurrency
    error_message = "worker_concurrency must be a whole number, at least 1."
  }
}

variable "worker_io_cpu" {
  description = "vCPUs per instance of the worker-io service. Its chunks mostly wait on model calls; one vCPU serves many of them."
  type        = string
  default     = "1"
}

variable "worker_io_memory" {
  description = "Memory per instance of the worker-io service: worker_io_concurrency running chunks and the pushes waiting for them."
  type        = string
  default     = "2Gi"
}

variable "worker_io_min_instances" {
  description = "Minimum instances of the worker-io service; 0 scales to zero between runs."
  type        = number
  default     = 0
}

variable "worker_io_max_instances" {
  description = "Maximum instances of the worker-io service. Times worker_io_concurrency, the I/O slots: max concurrent dispatches of each I/O-bound queue and the api's SIMRUN_PLANNING_IO_SLOTS. Also bounds its database connections."
  type        = number
  default     = 2

  validation {
    condition     = var.worker_io_max_instances >= 1
    error_message = "worker_io_max_instances must be at least 1."
  }
}

variable "worker_io_concurrency" {
  description = "I/O-bound chunks (kinds whose chunks mostly wait, e.g. forecast-backtest) one instance of the worker-io service runs at once (SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS). Each holds a virtual thread and little memory; the service's database pool is a quarter of it + 2."
  type        = number
  default     = 128

  validation {
    condition     = var.worker_io_concurrency >= 1 && floor(var.worker_io_concurrency) == var.worker_io_concurrency
    error_message = "worker_io_concurrency must be a whole number, at least 1."
  }
}

variable "worker_admission_wait_seconds" {
  description = "How long a push that finds every slot of its instance busy waits in the worker's waiting room before it is answered 429 (SIMRUN_WORKER_ADMISSION_WAIT). The wait counts inside Cloud Tasks' dispatch deadline: keep the worker's hard time limit (simrun.worker.hard-time-limit, 570 s by default, not set here) + this <= tasks_dispatch_deadline_seconds."
  type        = number
  default     = 20

  validation {
    condition     = var.worker_admission_wait_seconds >= 0 && floor(var.worker_admission_wait_seconds) == var.worker_admission_wait_seconds
    error_message = "worker_admission_wait_seconds must be a whole number of seconds, 0 or more."
  }
}

variable "worker_waiting_per_slot" {
  description = "Pushes that may wait in a worker's waiting room per slot (SIMRUN_WORKER_WAITING_PER_SLOT). Both queues of a class may push up to twice the class's slots, so up to four per slot arrive at once, one of them running: 3 keeps refusals away. Cloud Run's request concurrency of each worker service is slots x (1 + this) + a few for finalize pushes."
  type        = number
  default     = 3

  validation {
    condition     = var.worker_waiting_per_slot >= 1 && floor(var.worker_waiting_per_slot) == var.worker_waiting_per_slot
    error_message = "worker_waiting_per_slot must be a whole number, at least 1 (two queues per class each push up to twice the class's slot count; 3 avoids refusals)."
  }
}

variable "worker_batch_share" {
  description = "The least share of contended slot hand-overs that go to batch chunks (SIMRUN_WORKER_BATCH_SHARE); interactive chunks go first otherwise. In (0, 1]: batch work always moves, however busy people keep the workers."
  type        = number
  default     = 0.05

  validation {
    condition     = var.worker_batch_share > 0 && var.worker_batch_share <= 1
    error_message = "worker_batch_share must be greater than 0 and at most 1."
  }
}

variable "worker_timeout_seconds" {
  description = "Request timeout of both worker services. Must be at least the Cloud Tasks dispatch deadline, or Cloud Run cuts a chunk that Cloud Tasks still waits for. 1800 s covers Cloud Tasks' maximum deadline for HTTP targets."
  type        = number
  default     = 1800
}

variable "worker_ingress" {
  description = "Ingress of both worker services. INGRESS_TRAFFIC_INTERNAL_ONLY admits Cloud Tasks of the same project calling the run.app URL; IAM (run.invoker for the tasks service account only) applies either way."
  type        = string
  default     = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.worker_ingress)
    error_message = "worker_ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}

variable "worker_health_path" {
  description = "HTTP path of both worker services' startup probe (Micronaut management's /health, database included); empty means a TCP probe on the port."
  type        = string
  default     = "/health"
}

variable "worker_invoker_iam_check" {
  description = <<-EOT
    true: Cloud Run's IAM layer admits only callers with run.invoker on a worker service (the tasks
    service account) and verifies their token; it then forwards the token with its signature
    replaced by SIGNATURE_REMOVED_BY_GOOGLE, so the worker must check the claims without the
    signature (SIMRUN_AUTH_PLATFORM_VERIFIED=true). false: the invoker check is disabled
    (invoker_iam_disabled), ingress still limits callers to the project, and the worker verifies
    the full token, signature included. Applies to both worker services.
  EOT
  type        = bool
  default     = true
}

variable "worker_extra_env" {
  description = "Additional plain environment variables for both worker services (name => value)."
  type        = map(string)
  default     = {}
}

variable "worker_io_extra_env" {
  description = "Additional plain environment variables for the worker-io service only (name => value); they win over worker_extra_env."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# Cloud Tasks
# ---------------------------------------------------------------------------------------------------

variable "tasks_dispatch_deadline_seconds" {
  description = "Dispatch deadline the application sets on its tasks (Cloud Tasks' default for HTTP targets is 600 s, maximum 1800 s). Only checked here: worker_timeout_seconds must not be shorter, and the worker's hard time limit + worker_admission_wait_seconds must fit in it (a push's wait in the waiting room counts inside the deadline)."
  type        = number
  default     = 600
}

variable "tasks_max_attempts" {
  description = "Failed attempts (5xx or no answer) after which the worker records a dead letter (SIMRUN_TASKS_MAX_ATTEMPTS). The queues themselves retry without limit (max_attempts = -1): pushes refused because workers were busy (429) must not use up a task's attempts (decision 0012)."
  type        = number
  default     = 10
}

variable "interactive_max_dispatches_per_second" {
  description = "Dispatch rate of each interactive queue, simulations-interactive and simulations-interactive-io (Cloud Tasks' maximum is 500)."
  type        = number
  default     = 100
}

variable "batch_max_dispatches_per_second" {
  description = "Dispatch rate of each batch queue, simulations-batch and simulations-batch-io; lower than interactive, so a nightly batch ramps up instead of filling the workers' waiting rooms at once."
  type        = number
  default     = 20
}

variable "tasks_log_sampling_ratio" {
  description = "Fraction of task attempts Cloud Tasks logs to Cloud Logging (0.0-1.0). One log entry per attempt: at 10,000 chunks a run, 1.0 is noisy and billed."
  type        = number
  default     = 0.1
}

# ---------------------------------------------------------------------------------------------------
# Pub/Sub
# ---------------------------------------------------------------------------------------------------

variable "events_topic_retention" {
  description = "Message retention of the simulation-events topic. Short: progress is live only; the durable history is in PostgreSQL (SSE resume reads it)."
  type        = string
  default     = "600s"
}

variable "dead_letters_retention" {
  description = "Retention of the simulation-dead-letters topic and of its Console subscription (maximum 7 days for the subscription)."
  type        = string
  default     = "604800s"
}

# ---------------------------------------------------------------------------------------------------
# Cloud SQL
# ---------------------------------------------------------------------------------------------------

variable "db_tier" {
  description = "Cloud SQL machine type (Enterprise edition). db-custom-<vCPUs>-<MiB>."
  type        = string
  default     = "db-custom-1-3840"
}

variable "db_availability_type" {
  description = "ZONAL (one zone, cheaper) or REGIONAL (high availability with a standby in another zone, twice the price)."
  type        = string
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.db_availability_type)
    error_message = "db_availability_type must be ZONAL or REGIONAL."
  }
}

variable "db_disk_size_gb" {
  description = "Initial SSD size; the disk grows automatically."
  type        = number
  default     = 20
}

variable "db_max_connections" {
  description = "PostgreSQL max_connections. Must cover api_max_instances x api_db_pool_size + worker_max_instances x (worker_concurrency + 2) + worker_io_max_instances x (ceil(worker_io_concurrency / 4) + 2) + db_reserved_connections (checked at plan). Changing it restarts the instance."
  type        = number
  default     = 200
}

variable "db_reserved_connections" {
  description = "Connections kept free for migrations, operators and Cloud SQL itself in the connection budget."
  type        = number
  default     = 15
}

variable "db_idle_in_transaction_timeout_ms" {
  description = "idle_in_transaction_session_timeout: a session idle inside a transaction for longer is ended. Long transactions hold back vacuum and slow every SKIP LOCKED queue (cost notes); 0 disables."
  type        = number
  default     = 60000
}

variable "db_name" {
  description = "Database name."
  type        = string
  default     = "simrun"
}

variable "db_user" {
  description = "Database user of both services and of the migrations (its password is generated and kept in Secret Manager)."
  type        = string
  default     = "simrun"
}

variable "db_deletion_protection" {
  description = "Protect the Cloud SQL instance from deletion (both Terraform's and Cloud SQL's own protection)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------
# Cloud Scheduler
# ---------------------------------------------------------------------------------------------------

variable "scheduled_batches" {
  description = "Named batches Cloud Scheduler starts: name => cron schedule. Each job POSTs {api}/internal/v1/batches/<name>/runs with an OIDC token."
  type        = map(string)
  default = {
    nightly = "0 2 * * *"
  }

  # The api's batch names (PUT /api/v1/batches/{name}); the job is <name_prefix>-batch-<name>.
  validation {
    condition     = alltrue([for name in keys(var.scheduled_batches) : can(regex("^[a-z0-9][a-z0-9-]{0,40}$", name))])
    error_message = "scheduled_batches keys are batch names: 1-41 lower-case letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "scheduler_time_zone" {
  description = "Time zone of the batch schedules (tz database name)."
  type        = string
  default     = "Etc/UTC"
}

# ---------------------------------------------------------------------------------------------------
# Deployment
# ---------------------------------------------------------------------------------------------------

variable "deletion_protection" {
  description = "Terraform deletion protection of the Cloud Run services."
  type        = bool
  default     = true
}

# --- Metrics, traces and alerts (monitoring.tf, decision 0035) ---

variable "metrics_port" {
  description = "The services' management port: /prometheus is served there only. Cloud Run exposes only the container port (8080), so only the collector sidecar of the same instance reaches it."
  type        = number
  default     = 9090
}

variable "metrics_collector_enabled" {
  description = "Run Google's OpenTelemetry Collector as a sidecar of each service: metrics to Managed Service for Prometheus, traces to Cloud Trace. Off, the alert policies on the services' own metrics never fire."
  type        = bool
  default     = true
}

variable "metrics_collector_image" {
  description = "The Google-built OpenTelemetry Collector image; pin a version you have tested."
  type        = string
  default     = "us-docker.pkg.dev/cloud-ops-agents-artifacts/google-cloud-opentelemetry-collector/otelcol-google:0.138.0"
}

variable "metrics_collector_cpu" {
  description = "CPU limit of the collector sidecar."
  type        = string
  default     = "1"
}

variable "metrics_collector_memory" {
  description = "Memory limit of the collector sidecar."
  type        = string
  default     = "512Mi"
}

variable "metrics_scrape_interval_seconds" {
  description = "How often the collector scrapes /prometheus."
  type        = number
  default     = 30
}

variable "alert_notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/<p>/notificationChannels/<id>) every alert policy notifies. Empty: the alerts open incidents in Cloud Console only."
  type        = list(string)
  default     = []
}

variable "batch_late_after_seconds" {
  description = "A batch whose latest run started longer ago than this is late (alert). 26 h suits nightly batches."
  type        = number
  default     = 93600
}

variable "tracing_sampler_ratio" {
  description = "Share of new traces kept (0..1); a traced caller's own sampling decision holds (decision 0036)."
  type        = number
  default     = 0.1
  validation {
    condition     = var.tracing_sampler_ratio >= 0 && var.tracing_sampler_ratio <= 1
    error_message = "tracing_sampler_ratio must be between 0 and 1."
  }
}
