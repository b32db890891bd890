terraform {
  # 1.5+: `check` blocks; every other construct here is older.
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State holds the database password (random_password, google_sql_user, the secret version), so it
  # lives in a GCS bucket with restricted access, never on a laptop. Partial configuration:
  #   terraform init -backend-config="bucket=<state-bucket>" -backend-config="prefix=simrun/prod"
  backend "gcs" {}
}
