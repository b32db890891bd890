# Progress and milestones: the worker (and the api) publish with ordering key = simulation id; every
# api instance creates its own subscription at start (message ordering on, expiration policy, short
# retention) and deletes it at shutdown, so the topic has no subscription defined here.
# Retention is short: live progress only. The durable event log, which SSE resumes from, is in
# PostgreSQL.
resource "google_pubsub_topic" "events" {
  project                    = var.project_id
  name                       = "simulation-events"
  message_retention_duration = var.events_topic_retention

  # Keep messages in the region the services run in.
  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

# Chunks that exhausted their attempts: the worker records the dead letter in PostgreSQL (the api's
# dead-letter endpoints list, replay and discard them) and publishes it here, for operators.
resource "google_pubsub_topic" "dead_letters" {
  project                    = var.project_id
  name                       = "simulation-dead-letters"
  message_retention_duration = var.dead_letters_retention

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

# What operators open in Console (Pub/Sub > Subscriptions > simulation-dead-letters-console >
# Messages > Pull). Acked messages are retained too, so looking at them does not lose them; the
# subscription never expires for inactivity.
resource "google_pubsub_subscription" "dead_letters_console" {
  project = var.project_id
  name    = "simulation-dead-letters-console"
  topic   = google_pubsub_topic.dead_letters.id

  ack_deadline_seconds       = 60
  message_retention_duration = var.dead_letters_retention
  retain_acked_messages      = true

  expiration_policy {
    ttl = ""
  }
}
