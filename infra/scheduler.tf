# Named batches: POST {api}/internal/v1/batches/<name>/runs with an OIDC token of the scheduler
# account, audience = the api's URL. Cloud Scheduler adds X-CloudScheduler-ScheduleTime; the api
# makes a run idempotent per (batch, scheduled time), so Scheduler's retries are harmless.
resource "google_cloud_scheduler_job" "batch" {
  for_each = var.scheduled_batches

  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-batch-${each.key}"
  description = "Starts SimRun's '${each.key}' batch."
  schedule    = each.value
  time_zone   = var.scheduler_time_zone

  # The endpoint only records the run and its chunks (one transaction) and answers 202.
  attempt_deadline = "180s"

  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
    max_doublings        = 3
  }

  http_target {
    http_method = "POST"
    uri         = "${local.api_url}/internal/v1/batches/${each.key}/runs"
    headers = {
      "Content-Type" = "application/json"
    }
    body = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.api_url
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_cloud_run_v2_service_iam_member.api_invoker_scheduler,
  ]
}
