# The worker as a Cloud Function (2nd gen) instead of Cloud Run services (decision 0034):
# worker_runtime = "cloud_function" deploys each entry of local.worker_services (cloud_run.tf), the
# CPU-bound `worker` and the I/O-bound `worker-io`, as a function built by Cloud Functions' Java 21
# runtime from the worker's function archive (`./mvnw package` writes
# worker/target/simrun-worker-<version>-function.zip: one jar whose manifest names the libraries in
# lib/), with Micronaut's HttpFunction as the entry point: the same controllers, token check and
# configuration as the Cloud Run worker. Nothing else changes for the application: the same
# environment, runtime account, ingress, slots and request concurrency, and the queues push to the
# function's URL.
#
# Names and URLs: a function is a Cloud Run service of the same name, so it has a deterministic
# run.app URL (https://<name>-<project number>.<region>.run.app) besides its cloudfunctions.net one.
# The functions are named <prefix>-worker-function and <prefix>-worker-io-function (main.tf), not
# like the services, so that switching is one apply that creates the functions beside the services
# before it removes them, and the run.app URLs (task target, task audience, the audience each
# function checks) switch with the names. No path prefix, as with Cloud Run.
#
# Terraform owns the configuration; the code of later releases comes from cloudbuild-function.yaml
# (`gcloud functions deploy --source`), as images come from cloudbuild.yaml for Cloud Run, so the
# function's source is ignored after creation. worker_function_archive is only what the functions
# are first created with.

variable "worker_runtime" {
  description = "Where the worker runs: cloud_run (the default: the worker and worker-io Cloud Run services) or cloud_function (the same two as Cloud Functions 2nd gen, built from the worker's function archive; decision 0034)."
  type        = string
  default     = "cloud_run"

  validation {
    condition     = contains(["cloud_run", "cloud_function"], var.worker_runtime)
    error_message = "worker_runtime must be cloud_run or cloud_function."
  }
}

variable "worker_function_archive" {
  description = "With worker_runtime = cloud_function: path of the worker's function archive the functions are first created with, built by `./mvnw -B -DskipTests -pl worker -am package` (worker/target/simrun-worker-<version>-function.zip). Later releases deploy with cloudbuild-function.yaml; a new file here changes nothing once the functions exist."
  type        = string
  default     = ""
}

locals {
  worker_as_function = var.worker_runtime == "cloud_function"
  worker_name_suffix = local.worker_as_function ? "-function" : ""

  # The worker services of cloud_run.tf, as functions instead (an empty map with cloud_run).
  worker_functions = { for key, worker in local.worker_services : key => worker if local.worker_as_function }

  # Cloud Run's ingress values, in the Cloud Functions API's words.
  worker_function_ingress = {
    INGRESS_TRAFFIC_ALL                    = "ALLOW_ALL"
    INGRESS_TRAFFIC_INTERNAL_ONLY          = "ALLOW_INTERNAL_ONLY"
    INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER = "ALLOW_INTERNAL_AND_GCLB"
  }

  # Cloud Functions' longest request timeout for HTTP functions (2nd gen).
  function_max_timeout_seconds = 3600

  worker_function_entry_point = "io.micronaut.gcp.function.http.HttpFunction"

  # The Dockerfile's JVM flags for the Cloud Run worker, for the runtime's JVM (JAVA_TOOL_OPTIONS):
  # heap = 3/4 of the instance's memory, and a JVM out of heap exits (Cloud Tasks retries its chunks).
  worker_function_java_options = "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
}

resource "google_project_service" "worker_function" {
  for_each = toset(local.worker_as_function ? ["cloudfunctions.googleapis.com", "storage.googleapis.com"] : [])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# The functions' source archives: the first one from Terraform (terraform/), later ones from Cloud
# Build (builds/, deleted after 30 days; a function's build copies its source into its image).
resource "google_storage_bucket" "worker_function_source" {
  count = local.worker_as_function ? 1 : 0

  project = var.project_id
  # At most 30 + 1 + 19 + 10 characters: within a bucket name's 63.
  name                        = "${var.project_id}-${var.name_prefix}-functions"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Only archives rebuilt from Git: switching back to cloud_run removes the bucket with them.
  force_destroy = true

  lifecycle_rule {
    condition {
      age            = 30
      matches_prefix = ["builds/"]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.worker_function]
}

resource "google_storage_bucket_object" "worker_function_archive" {
  count = local.worker_as_function ? 1 : 0

  bucket = google_storage_bucket.worker_function_source[0].name
  # Named by content, so the object is never overwritten in place.
  name   = "terraform/simrun-worker-function-${var.worker_function_archive == "" ? "none" : filemd5(var.worker_function_archive)}.zip"
  source = var.worker_function_archive

  lifecycle {
    precondition {
      condition     = var.worker_function_archive != ""
      error_message = "worker_runtime = cloud_function needs worker_function_archive: the path of worker/target/simrun-worker-<version>-function.zip, built by `./mvnw -B -DskipTests -pl worker -am package`."
    }
  }
}

resource "google_cloudfunctions2_function" "workers" {
  for_each = local.worker_functions

  project     = var.project_id
  location    = var.region
  name        = each.value.name
  description = each.value.description

  build_config {
    runtime     = "java21"
    entry_point = local.worker_function_entry_point
    # Built images go beside the Cloud Run images, under the same cleanup policies; the build runs
    # as the deployer, which may write there (iam.tf) and read the source (below).
    docker_repository = google_artifact_registry_repository.images.id
    service_account   = google_service_account.deployer.id

    source {
      storage_source {
        bucket = google_storage_bucket.worker_function_source[0].name
        object = google_storage_bucket_object.worker_function_archive[0].name
      }
    }
  }

  service_config {
    service_account_email = google_service_account.worker.email
    ingress_settings      = local.worker_function_ingress[var.worker_ingress]
    # Up to an hour for HTTP functions: at least the dispatch deadline (preconditions below).
    timeout_seconds                  = var.worker_timeout_seconds
    available_cpu                    = each.value.cpu
    available_memory                 = each.value.memory
    max_instance_request_concurrency = each.value.request_concurrency
    min_instance_count               = each.value.min_instances
    max_instance_count               = each.value.max_instances
    all_traffic_on_latest_revision   = true

    # A function has no collector sidecar (monitoring.tf): no spans to export, no port to scrape.
    environment_variables = merge({ JAVA_TOOL_OPTIONS = local.worker_function_java_options }, each.value.env, { SIMRUN_TRACING_EXPORTER = "none" })

    secret_environment_variables {
      key        = "DATABASE_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = google_secret_manager_secret_version.db_password.version
    }
  }

  lifecycle {
    # Cloud Build deploys the code of later releases (cloudbuild-function.yaml).
    ignore_changes = [build_config[0].source]

    precondition {
      condition     = var.worker_timeout_seconds >= var.tasks_dispatch_deadline_seconds && var.worker_timeout_seconds <= local.function_max_timeout_seconds
      error_message = "As a function, worker_timeout_seconds (${var.worker_timeout_seconds}) must be at least tasks_dispatch_deadline_seconds (${var.tasks_dispatch_deadline_seconds}) and at most ${local.function_max_timeout_seconds}, Cloud Functions' limit for HTTP functions."
    }

    precondition {
      condition     = each.value.request_concurrency <= local.cloud_run_max_request_concurrency
      error_message = each.value.concurrency_limit_error
    }

    # A function's invoker check cannot be turned off: the worker must take the platform's word
    # for the token's signature (SIMRUN_AUTH_PLATFORM_VERIFIED=true).
    precondition {
      condition     = var.worker_invoker_iam_check
      error_message = "worker_runtime = cloud_function needs worker_invoker_iam_check = true: a function always checks run.invoker."
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_project_service.worker_function,
    google_secret_manager_secret_iam_member.db_password_accessor,
    google_project_iam_member.cloudsql_client,
    google_storage_bucket_iam_member.deployer_function_source,
  ]
}

# A 2nd gen function is invoked through its Cloud Run service: only Cloud Tasks' identity may
# invoke it, as with the worker services (iam.tf).
resource "google_cloud_run_v2_service_iam_member" "worker_function_invoker_tasks" {
  for_each = google_cloudfunctions2_function.workers

  project  = var.project_id
  location = each.value.location
  name     = each.value.name
  role     = "roles/run.invoker"
  member   = google_service_account.tasks.member
}

# The deployer uploads the archives of later releases and builds the functions from them.
resource "google_storage_bucket_iam_member" "deployer_function_source" {
  count = local.worker_as_function ? 1 : 0

  bucket = google_storage_bucket.worker_function_source[0].name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.deployer.member
}

# The deployer is the functions' build account: deploying a function that builds as it needs actAs.
resource "google_service_account_iam_member" "deployer_act_as_itself" {
  count = local.worker_as_function ? 1 : 0

  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deployer.member
}

# `gcloud functions deploy --source` of a new release, on SimRun's functions only.
resource "google_cloudfunctions2_function_iam_member" "deployer_developer" {
  for_each = google_cloudfunctions2_function.workers

  project        = var.project_id
  location       = each.value.location
  cloud_function = each.value.name
  role           = "roles/cloudfunctions.developer"
  member         = google_service_account.deployer.member
}

output "worker_function_source_bucket" {
  description = "With worker_runtime = cloud_function: the bucket of the functions' source archives (cloudbuild-function.yaml: _SOURCE_BUCKET); null otherwise."
  value       = local.worker_as_function ? google_storage_bucket.worker_function_source[0].name : null
}
