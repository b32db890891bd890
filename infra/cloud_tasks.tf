# Two queues with separate limits, so nightly batch work never starves people (the api picks the
# queue by the simulation's priority). Tasks are HTTP tasks created by the application with their
# own URL and OIDC token (no queue-level target), named from (simulation, chunk, generation).
#
# Rate limits: max_concurrent_dispatches splits the worker fleet's capacity between the queues
# (locals in main.tf): Cloud Tasks never pushes more chunks at once than the worker can run, and
# batch never holds more than batch_capacity_percent of it.
#
# Retries: 5xx, 429 and timeouts are retried with exponential backoff, min_backoff doubling
# max_doublings times, then growing linearly up to max_backoff. The queues never give a task up
# (max_attempts = -1, no max_retry_duration): a push the worker refused because it was busy (429)
# or because another attempt holds the chunk (409) is not a failure and must not use up attempts.
# The worker counts the failed ones (X-CloudTasks-TaskRetryCount minus
# X-CloudTasks-TaskExecutionCount) and, when var.tasks_max_attempts have failed, records a dead
# letter and answers 2xx, which ends the task (Cloud Tasks has no dead-letter queue). Decision 0012.
#
# A deleted queue's name cannot be reused for about 7 days: do not destroy and re-create casually.

resource "google_cloud_tasks_queue" "interactive" {
  project  = var.project_id
  location = var.region
  name     = "simulations-interactive"

  rate_limits {
    max_dispatches_per_second = var.interactive_max_dispatches_per_second
    max_concurrent_dispatches = local.interactive_max_concurrent_dispatch
  }

  # 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, then +32 s per attempt up to 5 min: a person is waiting, and most
  # failures (a cold start, a 409 for a live lease, a database blip) clear within seconds.
  retry_config {
    max_attempts  = -1
    min_backoff   = "1s"
    max_backoff   = "300s"
    max_doublings = 5
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  depends_on = [google_project_service.enabled]
}

resource "google_cloud_tasks_queue" "batch" {
  project  = var.project_id
  location = var.region
  name     = "simulations-batch"

  rate_limits {
    max_dispatches_per_second = var.batch_max_dispatches_per_second
    max_concurrent_dispatches = local.batch_max_concurrent_dispatches
  }

  # Nobody is waiting: back off longer (10 s doubling to 80 s, then linear up to 10 min) so a
  # struggling database or worker recovers before the batch retries.
  retry_config {
    max_attempts  = -1
    min_backoff   = "10s"
    max_backoff   = "600s"
    max_doublings = 3
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  depends_on = [google_project_service.enabled]
}
