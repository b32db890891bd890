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

  # As Cloud Functions the workers have names of their own (worker_function.tf, decision 0034).
  api_service_name       = "${var.name_prefix}-api"
  worker_service_name    = "${var.name_prefix}-worker${local.worker_name_suffix}"
  worker_io_service_name = "${var.name_prefix}-worker-io${local.worker_name_suffix}"

  # Cloud Run's deterministic URLs (https://SERVICE-PROJECT_NUMBER.REGION.run.app) are known before
  # the services exist. Each worker's own configuration needs its URL (it is the OIDC audience it
  # checks), which a reference to google_cloud_run_v2_service.workers["worker"].uri would make a
  # cycle; and the same string is then used everywhere a URL is compared: task target, task
  # audience, token check.
  api_url       = "https://${local.api_service_name}-${local.project_number}.${var.region}.run.app"
  worker_url    = "https://${local.worker_service_name}-${local.project_number}.${var.region}.run.app"
  worker_io_url = "https://${local.worker_io_service_name}-${local.project_number}.${var.region}.run.app"

  # Cloud SQL: the services connect through the Cloud SQL Java connector (socket factory), which
  # authenticates with the runtime service account (roles/cloudsql.client) and encrypts with
  # ephemeral client certificates. No VPC, no authorized networks, no sidecar. The instance has a
  # public IP only (cloud_sql.tf), hence ipTypes=PUBLIC. The database login is the built-in user's
  # password (DATABASE_USER, DATABASE_PASSWORD), not IAM database authentication (no enableIamAuth).
  # ProductionDataSourceTest renders this URL and checks it with the connector's own parser.
  sql_connection_name = google_sql_database_instance.main.connection_name
  jdbc_url            = "jdbc:postgresql:///${var.db_name}?cloudSqlInstance=${local.sql_connection_name}&socketFactory=com.google.cloud.sql.postgres.SocketFactory&ipTypes=PUBLIC"

  # Slots: chunks the worker fleet runs at once, per class (decision 0014). CPU-bound kinds run on
  # the worker service, worker_concurrency per instance (SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS);
  # I/O-bound kinds on the worker-io service, worker_io_concurrency per instance
  # (SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS). Cloud Tasks cannot prioritise across queues, so the
  # interactive and the batch queue of a class each get the class's full slot count as
  # max_concurrent_dispatches, and the worker's waiting room decides who runs next: interactive
  # first, batch keeps at least worker_batch_share of the hand-overs. The api sizes chunks from the
  # same numbers (SIMRUN_PLANNING_CPU_SLOTS / _IO_SLOTS).
  cpu_slots = var.worker_max_instances * var.worker_concurrency
  io_slots  = var.worker_io_max_instances * var.worker_io_concurrency

  # Cloud Run's request concurrency per instance. A push that finds every slot busy waits in the
  # worker's waiting room (up to worker_admission_wait_seconds, room for worker_waiting_per_slot
  # pushes per slot) and is a request in flight all that time, so Cloud Run must let
  # slots x (1 + waiting per slot) requests in, or it would answer 429 itself before the worker can
  # queue the push. Finalize pushes take no chunk slot and do not wait in the room: a few more
  # requests for them.
  worker_finalize_requests      = 4
  worker_request_concurrency    = var.worker_concurrency * (1 + var.worker_waiting_per_slot) + local.worker_finalize_requests
  worker_io_request_concurrency = var.worker_io_concurrency * (1 + var.worker_waiting_per_slot) + local.worker_finalize_requests

  # Connection budget: one Hikari pool per process. A worker holds no transaction while an engine
  # runs, and a push in the waiting room has not claimed its chunk yet. The CPU worker: one
  # connection per chunk slot + 2 (finalize, reconciliation). The I/O worker: one per four chunk
  # slots (its chunks only touch the database for short claim, progress, checkpoint and commit
  # transactions) + 2.
  worker_db_pool_size    = var.worker_concurrency + 2
  worker_io_db_pool_size = ceil(var.worker_io_concurrency / 4) + 2
  db_connections_needed = (
    var.api_max_instances * var.api_db_pool_size +
    var.worker_max_instances * local.worker_db_pool_size +
    var.worker_io_max_instances * local.worker_io_db_pool_size +
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
