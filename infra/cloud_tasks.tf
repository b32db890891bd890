# Five queues (decision 0014, docs/decisions/0014-dispatch-sized-to-slots.md): for chunks, a
# priority and a class of work each, and one for finalize tasks (the last entry of local.queues).
# simulations-interactive and simulations-batch carry CPU-bound kinds (strategy-backtest) to the
# worker service; simulations-interactive-io and simulations-batch-io carry I/O-bound kinds
# (forecast-backtest, whose chunks mostly wait on model calls) to the worker-io service. The api
# picks the queue from the simulation's priority and its kind. Tasks are HTTP tasks created by the
# application with their own URL and OIDC token (no queue-level target), named from
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
# Every queue is one entry of local.queues below, and google_cloud_tasks_queue.queues creates one
# queue per entry. Each key is a queue's Terraform address (google_cloud_tasks_queue.queues["batch"])
# and keys its enqueuer grants in iam.tf: renaming a key destroys that queue and creates a new one
# unless a moved block goes with it. The CPU-bound queues keep the keys `interactive` and `batch`,
# the resource names they had before the I/O queues existed.

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

  # The five queues. dispatch_limit_error: the plan fails with it when max_concurrent_dispatches
  # exceeds Cloud Tasks' limit; set on the interactive queue of each class (its batch queue has the
  # same count, so one message per class), null for no check (the batch queues; finalize, capped
  # with min()).
  queues = {
    interactive = {
      name                      = "simulations-interactive"
      max_dispatches_per_second = var.interactive_max_dispatches_per_second
      max_concurrent_dispatches = 2 * local.cpu_slots
      retry                     = local.interactive_retry
      dispatch_limit_error      = "Twice the CPU slots (worker_max_instances x worker_concurrency = ${local.cpu_slots}) exceed Cloud Tasks' max_concurrent_dispatches limit of ${local.tasks_max_concurrent_dispatches}."
    }

    batch = {
      name                      = "simulations-batch"
      max_dispatches_per_second = var.batch_max_dispatches_per_second
      max_concurrent_dispatches = 2 * local.cpu_slots
      retry                     = local.batch_retry
      dispatch_limit_error      = null
    }

    interactive_io = {
      name                      = "simulations-interactive-io"
      max_dispatches_per_second = var.interactive_max_dispatches_per_second
      max_concurrent_dispatches = 2 * local.io_slots
      retry                     = local.interactive_retry
      dispatch_limit_error      = "Twice the I/O slots (worker_io_max_instances x worker_io_concurrency = ${local.io_slots}) exceed Cloud Tasks' max_concurrent_dispatches limit of ${local.tasks_max_concurrent_dispatches}."
    }

    batch_io = {
      name                      = "simulations-batch-io"
      max_dispatches_per_second = var.batch_max_dispatches_per_second
      max_concurrent_dispatches = 2 * local.io_slots
      retry                     = local.batch_retry
      dispatch_limit_error      = null
    }

    # Finalize tasks (combining a simulation's chunk results) take no worker slot, so they have a
    # queue of their own: they never take a chunk queue's dispatches and never wait behind chunks.
    # Pushed to the CPU-bound worker; twice its slots at once, as a reduce computes, briefly.
    finalize = {
      name                      = "simulations-finalize"
      max_dispatches_per_second = var.interactive_max_dispatches_per_second
      max_concurrent_dispatches = min(2 * local.cpu_slots, local.tasks_max_concurrent_dispatches)
      retry                     = local.interactive_retry
      dispatch_limit_error      = null
    }
  }
}

resource "google_cloud_tasks_queue" "queues" {
  for_each = local.queues

  project  = var.project_id
  location = var.region
  name     = each.value.name

  rate_limits {
    max_dispatches_per_second = each.value.max_dispatches_per_second
    max_concurrent_dispatches = each.value.max_concurrent_dispatches
  }

  retry_config {
    max_attempts  = -1
    min_backoff   = each.value.retry.min_backoff
    max_backoff   = each.value.retry.max_backoff
    max_doublings = each.value.retry.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = var.tasks_log_sampling_ratio
  }

  lifecycle {
    # A queue without dispatch_limit_error always passes; error_message must still be a string.
    precondition {
      condition     = each.value.dispatch_limit_error == null || each.value.max_concurrent_dispatches <= local.tasks_max_concurrent_dispatches
      error_message = coalesce(each.value.dispatch_limit_error, "(not checked)")
    }
  }

  depends_on = [google_project_service.enabled]
}

# The queues' addresses before they became entries of local.queues: each moves to its entry, so the
# next apply neither destroys nor re-creates a queue.
moved {
  from = google_cloud_tasks_queue.interactive
  to   = google_cloud_tasks_queue.queues["interactive"]
}

moved {
  from = google_cloud_tasks_queue.batch
  to   = google_cloud_tasks_queue.queues["batch"]
}

moved {
  from = google_cloud_tasks_queue.interactive_io
  to   = google_cloud_tasks_queue.queues["interactive_io"]
}

moved {
  from = google_cloud_tasks_queue.batch_io
  to   = google_cloud_tasks_queue.queues["batch_io"]
}

moved {
  from = google_cloud_tasks_queue.finalize
  to   = google_cloud_tasks_queue.queues["finalize"]
}
