# Five queues (decision 0014, docs/decisions/0014-dispatch-sized-to-slots.md): for chunks, a
# priority and a class of work each, and one for finalize tasks (at the end of this file). simulations-interactive and simulations-batch carry CPU-bound kinds
# (strategy-backtest) to the worker service; simulations-interactive-io and simulations-batch-io
# carry I/O-bound kinds (forecast-backtest, whose chunks mostly wait on model calls) to the
# worker-io service. The api picks the queue from the simulation's priority and its kind. Tasks are HTTP tasks created by
# the application with their own URL and OIDC token (no queue-level target), named from
# (simulation, chunk, generation).
#
# Rate limits: each chunk queue's max_concurrent_dispatches is twice the slots that serve it
# (locals in main.tf: cpu_slots = worker_max_instances x worker_concurrency, io_slots =
# worker_io_max_instances x worker_io_concurrency), the interactive AND the batch queue of a class
# alike. Cloud Tasks cannot prioritise across queues, and splitting the slots between them would
# leave slots idle while the other queue's chunks wait. So both may push up to every slot and one
# waiting push per slot, and the worker's waiting room arbitrates: a push that finds its instance
# full waits there (worker_admission_wait_seconds) and the next free slot goes to an interactive
# chunk first,
# while batch chunks keep at least worker_batch_share of the hand-overs. A push still waiting when
# the admission wait ends gets 429 and is retried.
#
# Retries: 5xx, 429 and timeouts are retried with exponential backoff, min_backoff doubling
# max_doublings times, then growing linearly up to max_backoff; per priority, the same for both
# classes. The queues never give a task up (max_attempts = -1, no max_retry_duration): a push the
# worker refused because it was busy (429) or because another attempt holds the chunk (409) is not
# a failure and must not use up attempts. The worker counts the failed ones
# (X-CloudTasks-TaskRetryCount minus X-CloudTasks-TaskExecutionCount) and, when
# var.tasks_max_attempts have failed, records a dead letter and answers 2xx, which ends the task
# (Cloud Tasks has no dead-letter queue). Decision 0012.
#
# A deleted queue's name cannot be reused for about 7 days: do not destroy and re-create casually.
# The CPU-bound queues keep the resource names `interactive` and `batch` they had before the I/O
# queues existed.

locals {
  # 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, then +32 s per attempt up to 5 min: a person is waiting, and most
  # failures (a cold start, a 409 for a live lease, a database blip) clear within seconds.
  interactive_retry = {
    min_backoff   = "1s"
    max_backoff   = "300s"
    max_doublings = 5
  }

  # Nobody is waiting: back off longer (10 s doubling to 80 s, then linear up to 10 min) so a
  # struggling database or worker recovers before the batch retries.
  batch_retry = {
    min_backoff   = "10s"
    max_backoff   = "600s"
    max_doublings = 3
  }

  # Cloud Tasks' largest max_concurrent_dispatches.
  tasks_max_concurrent_dispatches = 5000
}

resource "google_cloud_tasks_queue" "interactive" {
  project  = var.project_id
  location = var.region
  name     = "simulations-interactive"

  rate_limits {
    max_dispatches_per_second = var.interactive_max_dispatches_per_second
    max_concurrent_dispatches = 2 * local.cpu_slots
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = local.interactive_retry.min_backoff
    max_backoff   = local.interactive_retry.max_backoff
    max_doublings = local.interactive_retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  lifecycle {
    precondition {
      condition     = 2 * local.cpu_slots <= local.tasks_max_concurrent_dispatches
      error_message = "Twice the CPU slots (worker_max_instances x worker_concurrency = ${local.cpu_slots}) exceed Cloud Tasks' max_concurrent_dispatches limit of ${local.tasks_max_concurrent_dispatches}."
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_cloud_tasks_queue" "batch" {
  project  = var.project_id
  location = var.region
  name     = "simulations-batch"

  rate_limits {
    max_dispatches_per_second = var.batch_max_dispatches_per_second
    max_concurrent_dispatches = 2 * local.cpu_slots
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = local.batch_retry.min_backoff
    max_backoff   = local.batch_retry.max_backoff
    max_doublings = local.batch_retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  depends_on = [google_project_service.enabled]
}

resource "google_cloud_tasks_queue" "interactive_io" {
  project  = var.project_id
  location = var.region
  name     = "simulations-interactive-io"

  rate_limits {
    max_dispatches_per_second = var.interactive_max_dispatches_per_second
    max_concurrent_dispatches = 2 * local.io_slots
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = local.interactive_retry.min_backoff
    max_backoff   = local.interactive_retry.max_backoff
    max_doublings = local.interactive_retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  lifecycle {
    precondition {
      condition     = 2 * local.io_slots <= local.tasks_max_concurrent_dispatches
      error_message = "Twice the I/O slots (worker_io_max_instances x worker_io_concurrency = ${local.io_slots}) exceed Cloud Tasks' max_concurrent_dispatches limit of ${local.tasks_max_concurrent_dispatches}."
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_cloud_tasks_queue" "batch_io" {
  project  = var.project_id
  location = var.region
  name     = "simulations-batch-io"

  rate_limits {
    max_dispatches_per_second = var.batch_max_dispatches_per_second
    max_concurrent_dispatches = 2 * local.io_slots
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = local.batch_retry.min_backoff
    max_backoff   = local.batch_retry.max_backoff
    max_doublings = local.batch_retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  depends_on = [google_project_service.enabled]
}

# Finalize tasks (combining a simulation's chunk results) take no worker slot, so they have a queue
# of their own: they never take a chunk queue's dispatches and never wait behind chunks. Pushed to
# the CPU-bound worker; twice its slots at once, as a reduce computes, briefly.
resource "google_cloud_tasks_queue" "finalize" {
  project  = var.project_id
  location = var.region
  name     = "simulations-finalize"

  rate_limits {
    max_dispatches_per_second = var.interactive_max_dispatches_per_second
    max_concurrent_dispatches = min(2 * local.cpu_slots, local.tasks_max_concurrent_dispatches)
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = local.interactive_retry.min_backoff
    max_backoff   = local.interactive_retry.max_backoff
    max_doublings = local.interactive_retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  depends_on = [google_project_service.enabled]
}
