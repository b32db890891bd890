output "api_url" {
  description = "The api's URL (deterministic run.app form): web app, REST, SSE; the audience of Scheduler's tokens."
  value       = local.api_url
}

output "worker_url" {
  description = "The worker's URL (deterministic run.app form): target and OIDC audience of the tasks of CPU-bound kinds."
  value       = local.worker_url
}

output "worker_io_url" {
  description = "The worker-io service's URL (deterministic run.app form): target and OIDC audience of the tasks of I/O-bound kinds."
  value       = local.worker_io_url
}

output "api_service_urls" {
  description = "Every URL Cloud Run reports for the api (deterministic and hash-based)."
  value       = google_cloud_run_v2_service.api.urls
}

output "worker_service_urls" {
  description = "Every URL Cloud Run reports for the worker (as a function: its cloudfunctions.net and run.app URLs)."
  value       = local.worker_as_function ? [google_cloudfunctions2_function.workers["worker"].url, google_cloudfunctions2_function.workers["worker"].service_config[0].uri] : google_cloud_run_v2_service.workers["worker"].urls
}

output "worker_io_service_urls" {
  description = "Every URL Cloud Run reports for the worker-io service (as a function: its cloudfunctions.net and run.app URLs)."
  value       = local.worker_as_function ? [google_cloudfunctions2_function.workers["worker_io"].url, google_cloudfunctions2_function.workers["worker_io"].service_config[0].uri] : google_cloud_run_v2_service.workers["worker_io"].urls
}

output "api_service_name" {
  description = "Cloud Run service of the api (cloudbuild.yaml: _API_SERVICE)."
  value       = google_cloud_run_v2_service.api.name
}

output "worker_service_name" {
  description = "Cloud Run service of the worker (cloudbuild.yaml: _WORKER_SERVICE), or its function (cloudbuild-function.yaml: _WORKER_FUNCTION)."
  value       = local.worker_service_name
}

output "worker_io_service_name" {
  description = "Cloud Run service of the worker-io service, same image as the worker (cloudbuild.yaml: _WORKER_IO_SERVICE), or its function (cloudbuild-function.yaml: _WORKER_IO_FUNCTION)."
  value       = local.worker_io_service_name
}

output "interactive_queue" {
  description = "Full name of the interactive Cloud Tasks queue of CPU-bound kinds."
  value       = google_cloud_tasks_queue.queues["interactive"].id
}

output "batch_queue" {
  description = "Full name of the batch Cloud Tasks queue of CPU-bound kinds."
  value       = google_cloud_tasks_queue.queues["batch"].id
}

output "interactive_io_queue" {
  description = "Full name of the interactive Cloud Tasks queue of I/O-bound kinds."
  value       = google_cloud_tasks_queue.queues["interactive_io"].id
}

output "batch_io_queue" {
  description = "Full name of the batch Cloud Tasks queue of I/O-bound kinds."
  value       = google_cloud_tasks_queue.queues["batch_io"].id
}

output "worker_slots" {
  description = "Chunks each worker fleet runs at once (half the max concurrent dispatches of each of its two queues; the api's planning slots), and the request concurrency of one instance (slots x (1 + waiting per slot) + finalize pushes)."
  value = {
    cpu_slots                     = local.cpu_slots
    io_slots                      = local.io_slots
    worker_request_concurrency    = local.worker_request_concurrency
    worker_io_request_concurrency = local.worker_io_request_concurrency
  }
}

output "events_topic" {
  description = "Pub/Sub topic of progress and milestones."
  value       = google_pubsub_topic.events.id
}

output "dead_letters_topic" {
  description = "Pub/Sub topic of dead letters."
  value       = google_pubsub_topic.dead_letters.id
}

output "dead_letters_console_subscription" {
  description = "Subscription operators read dead letters from in Console."
  value       = google_pubsub_subscription.dead_letters_console.id
}

output "service_accounts" {
  description = "Service account emails by role."
  value = {
    api       = google_service_account.api.email
    worker    = google_service_account.worker.email
    tasks     = google_service_account.tasks.email
    scheduler = google_service_account.scheduler.email
    deployer  = google_service_account.deployer.email
  }
}

output "sql_instance_name" {
  description = "Cloud SQL instance (cloudbuild.yaml: _SQL_INSTANCE)."
  value       = google_sql_database_instance.main.name
}

output "sql_connection_name" {
  description = "Instance connection name (project:region:instance) for the connector and the Auth Proxy."
  value       = google_sql_database_instance.main.connection_name
}

output "jdbc_url" {
  description = "DATABASE_URL of every service (Cloud SQL Java connector)."
  value       = local.jdbc_url
}

output "db_password_secret" {
  description = "Secret Manager secret holding the database password (cloudbuild.yaml: _DB_PASSWORD_SECRET)."
  value       = google_secret_manager_secret.db_password.secret_id
}

output "image_repository" {
  description = "Where Cloud Build pushes simrun-api and simrun-worker images."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "dockerhub_mirror" {
  description = "Docker Hub pull-through cache (cloudbuild.yaml: _DOCKERHUB), or docker.io when not created."
  value       = var.create_dockerhub_mirror ? "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.dockerhub[0].repository_id}" : "docker.io"
}

output "scheduler_jobs" {
  description = "Cloud Scheduler jobs by batch name."
  value       = { for name, job in google_cloud_scheduler_job.batch : name => job.id }
}

output "finalize_queue" {
  description = "Full name of the Cloud Tasks queue of finalize tasks."
  value       = google_cloud_tasks_queue.queues["finalize"].id
}
