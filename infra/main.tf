provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = var.labels
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  project_number = data.google_project.this.number

  api_service_name    = "${var.name_prefix}-api"
  worker_service_name = "${var.name_prefix}-worker"

  # Cloud Run's deterministic URLs (https://SERVICE-PROJECT_NUMBER.REGION.run.app) are known before
  # the services exist. The worker's own configuration needs its URL (it is the OIDC audience it
  # checks), which a reference to google_cloud_run_v2_service.worker.uri would make a cycle; and the
  # same string is then used everywhere a URL is compared: task target, task audience, token check.
  api_url    = "https://${local.api_service_name}-${local.project_number}.${var.region}.run.app"
  worker_url = "https://${local.worker_service_name}-${local.project_number}.${var.region}.run.app"

  # Cloud SQL: the services connect through the Cloud SQL Java connector (socket factory), which
  # authenticates with the runtime service account (roles/cloudsql.client) and encrypts with
  # ephemeral client certificates. No VPC, no authorized networks, no sidecar.
  sql_connection_name = google_sql_database_instance.main.connection_name
  jdbc_url            = "jdbc:postgresql:///${var.db_name}?cloudSqlInstance=${local.sql_connection_name}&socketFactory=com.google.cloud.sql.postgres.SocketFactory"

  # Capacity of the worker fleet in concurrent chunks. The two queues split it, so that Cloud Tasks
  # never pushes more than the worker can take (a 429 from Cloud Run costs a task attempt), and
  # batch work can never take more than its share: people always have the rest.
  # Each instance takes worker_concurrency CPU-bound and worker_io_concurrency I/O-bound chunks
  # (SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS / _IO_CHUNKS); Cloud Run's request concurrency is the sum.
  worker_instance_concurrency         = var.worker_concurrency + var.worker_io_concurrency
  worker_capacity                     = var.worker_max_instances * local.worker_instance_concurrency
  batch_max_concurrent_dispatches     = max(1, floor(local.worker_capacity * var.batch_capacity_percent / 100))
  interactive_max_concurrent_dispatch = max(1, local.worker_capacity - local.batch_max_concurrent_dispatches)

  # Connection budget: one Hikari pool per process. The worker holds no transaction while an engine
  # runs: one connection per CPU-bound chunk, one per four I/O-bound chunks (they only touch the
  # database for short claim, progress, checkpoint and commit transactions), + 2 (finalize,
  # reconciliation).
  worker_db_pool_size = var.worker_concurrency + ceil(var.worker_io_concurrency / 4) + 2
  db_connections_needed = (
    var.api_max_instances * var.api_db_pool_size +
    var.worker_max_instances * local.worker_db_pool_size +
    var.db_reserved_connections
  )
}

# APIs the resources below need. Never disabled on destroy: other things in the project may use them.
resource "google_project_service" "enabled" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "sqladmin.googleapis.com",
  ])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
