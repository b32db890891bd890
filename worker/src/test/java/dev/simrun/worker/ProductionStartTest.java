package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.testing.ProductionStarts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * In production (Cloud Run sets K_SERVICE) the worker refuses to start without each setting
 * Terraform gives it, with one line naming the environment variable (decision 0033). The context is
 * started with a production-like environment of its own instead of the process's, one variable left
 * out at a time.
 */
class ProductionStartTest {

  static List<String> required() {
    return ProductionStarts.required();
  }

  /** What infra/cloud_run.tf gives the service, in the form it takes there. */
  static Map<String, Object> production() {
    Map<String, Object> env = new HashMap<>();
    env.put("K_SERVICE", "simrun-worker");
    env.put(
        "DATABASE_URL",
        "jdbc:postgresql:///simrun?cloudSqlInstance=my-project:us-central1:simrun-pg"
            + "&socketFactory=com.google.cloud.sql.postgres.SocketFactory&ipTypes=PUBLIC");
    env.put("DATABASE_USER", "simrun");
    env.put("DATABASE_PASSWORD", "secret");
    env.put("SIMRUN_TASKS_PROJECT", "my-project");
    env.put("SIMRUN_TASKS_LOCATION", "us-central1");
    env.put("SIMRUN_TASKS_WORKER_URL", "https://simrun-worker-123456789.us-central1.run.app");
    env.put("SIMRUN_TASKS_IO_WORKER_URL", "https://simrun-worker-io-123456789.us-central1.run.app");
    env.put(
        "SIMRUN_TASKS_SERVICE_ACCOUNT_EMAIL", "simrun-tasks@my-project.iam.gserviceaccount.com");
    env.put("SIMRUN_PUBSUB_ENABLED", "true");
    env.put("SIMRUN_PUBSUB_PROJECT", "my-project");
    env.put("SIMRUN_AUTH_ISSUER", "https://accounts.google.com");
    env.put("SIMRUN_AUTH_AUDIENCE", "https://simrun-worker-123456789.us-central1.run.app");
    env.put(
        "SIMRUN_AUTH_ALLOWED_SERVICE_ACCOUNTS", "simrun-tasks@my-project.iam.gserviceaccount.com");
    return env;
  }

  @Test
  void theEnvironmentHereGivesEveryRequiredSetting() {
    assertThat(production()).containsKeys(required().toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("required")
  void withoutOneRequiredSettingTheStartStopsNamingIt(String variable) {
    Map<String, Object> env = production();
    env.remove(variable);
    ProductionStarts.assertRefused(env, variable);
  }

  @Test
  void aBlankSettingCountsAsMissing() {
    Map<String, Object> env = production();
    env.put("SIMRUN_PUBSUB_PROJECT", " ");
    ProductionStarts.assertRefused(env, "SIMRUN_PUBSUB_PROJECT");
  }
}
