# PostgreSQL 17: the store of record. Enterprise edition is set explicitly: for PostgreSQL 16+ the
# API defaults to Enterprise Plus, which does not offer the db-custom tiers and costs more.
#
# Connections: public IP with no authorized networks and client certificates required, so the only
# way in is a Cloud SQL connector (the Java socket factory in the services, the Auth Proxy in Cloud
# Build or on an operator's machine), each authorised by IAM (roles/cloudsql.client).
resource "google_sql_database_instance" "main" {
  project             = var.project_id
  name                = "${var.name_prefix}-pg"
  region              = var.region
  database_version    = "POSTGRES_17"
  deletion_protection = var.db_deletion_protection

  settings {
    edition           = "ENTERPRISE"
    tier              = var.db_tier
    availability_type = var.db_availability_type
    disk_type         = "PD_SSD"
    disk_size         = var.db_disk_size_gb
    disk_autoresize   = true

    deletion_protection_enabled = var.db_deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled = true
      ssl_mode     = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "22:00" # UTC, before the nightly batches
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 14
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7 # Sunday
      hour         = 5 # UTC, after the nightly batches
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled = true
    }

    database_flags {
      name  = "max_connections"
      value = tostring(var.db_max_connections)
    }

    database_flags {
      name  = "idle_in_transaction_session_timeout"
      value = tostring(var.db_idle_in_transaction_timeout_ms)
    }
  }

  lifecycle {
    precondition {
      condition     = local.db_connections_needed <= var.db_max_connections
      error_message = "Connection budget exceeded: api_max_instances x api_db_pool_size + worker_max_instances x (worker_concurrency + 2) + worker_io_max_instances x (ceil(worker_io_concurrency / 4) + 2) + db_reserved_connections = ${local.db_connections_needed}, above db_max_connections = ${var.db_max_connections}. Lower the pools or instance counts, or raise db_max_connections (and probably db_tier)."
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_sql_database" "simrun" {
  project  = var.project_id
  instance = google_sql_database_instance.main.name
  name     = var.db_name
}

# A built-in (password) user, member of cloudsqlsuperuser, owner of what Flyway creates.
# ABANDON: PostgreSQL refuses to drop a role that owns objects, so Terraform leaves it behind
# instead of failing a destroy.
resource "google_sql_user" "simrun" {
  project         = var.project_id
  instance        = google_sql_database_instance.main.name
  name            = var.db_user
  password        = random_password.db.result
  deletion_policy = "ABANDON"
}
