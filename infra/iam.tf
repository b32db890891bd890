# ---------------------------------------------------------------------------------------------------
# Service accounts: one identity per role, each with only what it needs.
# ---------------------------------------------------------------------------------------------------

resource "google_service_account" "api" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-api"
  display_name = "SimRun api (Cloud Run runtime)"
}

# Runtime of both worker services (worker and worker-io): same image, same permissions.
resource "google_service_account" "worker" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-worker"
  display_name = "SimRun worker (Cloud Run runtime)"
}

# The identity whose OIDC token Cloud Tasks attaches to every push to a worker. It runs no code;
# its only permission is run.invoker on the two worker services.
resource "google_service_account" "tasks" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-tasks"
  display_name = "SimRun Cloud Tasks invoker (OIDC identity of chunk pushes)"
}

# The identity whose OIDC token Cloud Scheduler attaches to the batch triggers.
resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "SimRun Cloud Scheduler invoker (nightly batches)"
}

# What Cloud Build runs as (set it on the trigger): pushes images, runs migrations, rolls out
# new images. It cannot change the services' configuration beyond that in any lasting way:
# Terraform owns it.
resource "google_service_account" "deployer" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-deployer"
  display_name = "SimRun deployer (Cloud Build)"
}

# ---------------------------------------------------------------------------------------------------
# Cloud SQL: both runtimes and the deployer (migrations) connect through a connector, which needs
# cloudsql.instances.connect/get. The condition limits the grant to SimRun's instance.
# ---------------------------------------------------------------------------------------------------

resource "google_project_iam_member" "cloudsql_client" {
  for_each = {
    api      = google_service_account.api.member
    worker   = google_service_account.worker.member
    deployer = google_service_account.deployer.member
  }

  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = each.value

  condition {
    title       = "only-${google_sql_database_instance.main.name}"
    description = "Connect to SimRun's Cloud SQL instance only."
    expression  = "resource.name == 'projects/${var.project_id}/instances/${google_sql_database_instance.main.name}' && resource.type == 'sqladmin.googleapis.com/Instance'"
  }
}

# ---------------------------------------------------------------------------------------------------
# Cloud Tasks: the api creates chunk tasks (dispatcher, reconciler, dead-letter replay); the workers
# create finalize tasks. Both attach the tasks account's OIDC token, which needs actAs on it. Every
# queue of local.queues (cloud_tasks.tf), since the queue depends on the simulation's priority and
# kind. The grants are keyed "<enqueuer>-<queue key>", e.g. "api-interactive".
# ---------------------------------------------------------------------------------------------------

locals {
  task_enqueuers = {
    api    = google_service_account.api.member
    worker = google_service_account.worker.member
  }
  enqueuer_grants = {
    for pair in setproduct(keys(local.task_enqueuers), keys(local.queues)) :
    "${pair[0]}-${pair[1]}" => { member = local.task_enqueuers[pair[0]], queue = google_cloud_tasks_queue.queues[pair[1]] }
  }
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.enqueuer_grants

  project  = var.project_id
  location = each.value.queue.location
  name     = each.value.queue.name
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value.member
}

resource "google_service_account_iam_member" "tasks_act_as" {
  for_each = local.task_enqueuers

  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}

# ---------------------------------------------------------------------------------------------------
# Pub/Sub
# ---------------------------------------------------------------------------------------------------

# Publishing: the worker publishes progress and dead letters; the api publishes its own events
# (submitted, cancelling, replayed).
resource "google_pubsub_topic_iam_member" "events_publisher" {
  for_each = {
    api    = google_service_account.api.member
    worker = google_service_account.worker.member
  }

  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = each.value
}

resource "google_pubsub_topic_iam_member" "dead_letters_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letters.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.worker.member
}

# Per-instance subscriptions. Creating a subscription needs pubsub.subscriptions.create on the
# project and pubsub.topics.attachSubscription on the topic; the creator gets no rights on the new
# subscription, so consuming and deleting it need project-level permissions as well.
# roles/pubsub.editor would do, but it also lets the api delete or reconfigure every topic and
# subscription (the dead-letter trail included). A custom role holds exactly the four permissions;
# roles/pubsub.subscriber on the topic adds attachSubscription for simulation-events only.
resource "google_project_iam_custom_role" "subscription_owner" {
  project     = var.project_id
  role_id     = "${replace(var.name_prefix, "-", "_")}_subscription_owner"
  title       = "SimRun per-instance subscription owner"
  description = "Create, read, consume and delete Pub/Sub subscriptions (api instances own one each)."
  stage       = "GA"
  permissions = [
    "pubsub.subscriptions.consume",
    "pubsub.subscriptions.create",
    "pubsub.subscriptions.delete",
    "pubsub.subscriptions.get",
  ]
}

resource "google_project_iam_member" "api_subscription_owner" {
  project = var.project_id
  role    = google_project_iam_custom_role.subscription_owner.name
  member  = google_service_account.api.member
}

resource "google_pubsub_topic_iam_member" "api_events_subscriber" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.subscriber"
  member  = google_service_account.api.member
}

# ---------------------------------------------------------------------------------------------------
# Who may call whom
# ---------------------------------------------------------------------------------------------------

# Only Cloud Tasks' identity may invoke the workers: one grant per worker service
# (local.worker_services, cloud_run.tf), keyed like it.
resource "google_cloud_run_v2_service_iam_member" "worker_invoker_tasks" {
  for_each = google_cloud_run_v2_service.workers

  project  = var.project_id
  location = each.value.location
  name     = each.value.name
  role     = "roles/run.invoker"
  member   = google_service_account.tasks.member
}

# The grants' addresses before the worker services became entries of local.worker_services.
moved {
  from = google_cloud_run_v2_service_iam_member.worker_invoker_tasks
  to   = google_cloud_run_v2_service_iam_member.worker_invoker_tasks["worker"]
}

moved {
  from = google_cloud_run_v2_service_iam_member.worker_io_invoker_tasks
  to   = google_cloud_run_v2_service_iam_member.worker_invoker_tasks["worker_io"]
}

# Cloud Scheduler's identity may invoke the api. While the api is public (invoker check disabled)
# this adds nothing at the Cloud Run layer (the api itself checks the token on /internal/**), but
# it keeps the scheduler working while the api is private (the default, local.api_public false).
resource "google_cloud_run_v2_service_iam_member" "api_invoker_scheduler" {
  project  = var.project_id
  location = google_cloud_run_v2_service.api.location
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

# ---------------------------------------------------------------------------------------------------
# Deployer (Cloud Build)
# ---------------------------------------------------------------------------------------------------

resource "google_artifact_registry_repository_iam_member" "deployer_writer" {
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.deployer.member
}

resource "google_artifact_registry_repository_iam_member" "deployer_dockerhub_reader" {
  count = var.create_dockerhub_mirror ? 1 : 0

  project    = var.project_id
  location   = google_artifact_registry_repository.dockerhub[0].location
  repository = google_artifact_registry_repository.dockerhub[0].name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.deployer.member
}

# `gcloud run deploy --image` on SimRun's services only: the api and each worker service (keys api,
# worker, worker_io).
resource "google_cloud_run_v2_service_iam_member" "deployer_developer" {
  for_each = merge({ api = google_cloud_run_v2_service.api }, google_cloud_run_v2_service.workers)

  project  = var.project_id
  location = each.value.location
  name     = each.value.name
  role     = "roles/run.developer"
  member   = google_service_account.deployer.member
}

# Deploying a revision that runs as a service account requires actAs on that account (worker-io
# runs as the worker's).
resource "google_service_account_iam_member" "deployer_act_as_runtime" {
  for_each = {
    api    = google_service_account.api.name
    worker = google_service_account.worker.name
  }

  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deployer.member
}

# A build that runs as a user-managed service account writes its logs with that account.
resource "google_project_iam_member" "deployer_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.deployer.member
}
