# The database password: generated here, stored in Secret Manager, read by Cloud Run (secret
# environment variable) and by Cloud Build's migration step (availableSecrets). It is also in the
# Terraform state, which is why the state lives in a restricted GCS bucket (versions.tf).
# Alphanumeric only: it never needs quoting in a shell, a JDBC property or a Flyway argument.
resource "random_password" "db" {
  length  = 40
  special = false
}

resource "google_secret_manager_secret" "db_password" {
  project   = var.project_id
  secret_id = "${var.name_prefix}-db-password"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "db_password" {
  secret      = google_secret_manager_secret.db_password.id
  secret_data = random_password.db.result
}

# Readers: the two runtimes (DATABASE_PASSWORD) and the deployer (Flyway in Cloud Build). Nobody else.
resource "google_secret_manager_secret_iam_member" "db_password_accessor" {
  for_each = {
    api      = google_service_account.api.member
    worker   = google_service_account.worker.member
    deployer = google_service_account.deployer.member
  }

  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value
}
