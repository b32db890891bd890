# Images of the api and the worker: <region>-docker.pkg.dev/<project>/<repository>/simrun-{api,worker}:<short sha>
resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = var.artifact_repository_id
  format        = "DOCKER"
  description   = "SimRun api and worker images, tagged with the commit's short SHA by Cloud Build."

  # Each deploy adds two images; keep the recent ones (rollback targets) and delete the rest.
  # KEEP policies win over DELETE policies.
  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.image_versions_to_keep
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${var.image_max_age_days * 86400}s"
    }
  }

  depends_on = [google_project_service.enabled]
}

# Pull-through cache of Docker Hub for the build (maven, flyway) and base (eclipse-temurin) images:
# Cloud Build's shared IPs otherwise share Docker Hub's anonymous pull limits.
# Official images are under library/: <region>-docker.pkg.dev/<project>/dockerhub/library/eclipse-temurin:21-jre
resource "google_artifact_registry_repository" "dockerhub" {
  count = var.create_dockerhub_mirror ? 1 : 0

  project       = var.project_id
  location      = var.region
  repository_id = "dockerhub"
  format        = "DOCKER"
  mode          = "REMOTE_REPOSITORY"
  description   = "Cache of Docker Hub images used by SimRun's builds."

  remote_repository_config {
    description = "Docker Hub"
    docker_repository {
      public_repository = "DOCKER_HUB"
    }
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "delete-stale-cache"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${90 * 86400}s"
    }
  }

  depends_on = [google_project_service.enabled]
}
