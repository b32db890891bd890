package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.shared.config.InvalidConfigurationException;
import dev.simrun.shared.config.ServiceMain;
import dev.simrun.shared.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service started with an invalid setting refuses to start (decision 0016): the real api and
 * worker processes, each with an environment that is complete and valid but for one setting, exit
 * with {@link ServiceMain#INVALID_CONFIGURATION}, log one line naming the setting before any other
 * error, and never answer {@code /health}. The same environment without the bad setting starts.
 */
class InvalidConfigurationEndToEndTest {
  /** Far more than a start takes, even on a loaded machine; the test waits for the exit itself. */
  static final Duration GENEROUS = Duration.ofMinutes(2);

  static CloudTasksEmulator tasks;
  static Map<String, String> env;
  static int workerPort;

  @BeforeAll
  static void environment() {
    String queues = "projects/" + SimRunStack.PROJECT + "/locations/" + SimRunStack.LOCATION;
    tasks =
        CloudTasksEmulator.builder()
            .queue(queues + "/queues/simulations-interactive")
            .queue(queues + "/queues/simulations-batch")
            .start();
    workerPort = ServiceProcess.freePort();
    String workerUrl = "http://127.0.0.1:" + workerPort;
    env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.newDatabase());
    env.put("DATABASE_USER", "postgres");
    env.put("DATABASE_PASSWORD", "postgres");
    env.put("SIMRUN_MIGRATE_AT_START", "true");
    env.put("SIMRUN_TASKS_PROJECT", SimRunStack.PROJECT);
    env.put("SIMRUN_TASKS_LOCATION", SimRunStack.LOCATION);
    env.put("SIMRUN_TASKS_EMULATOR_ENDPOINT", tasks.endpoint());
    env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
    env.put("SIMRUN_AUTH_ISSUER", tasks.issuer());
    env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_ISSUER", tasks.issuer());
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_JWKS_URL", tasks.jwksUri());
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_AUDIENCE", CloudTasksEmulator.devAudience());
  }

  @AfterAll
  static void stop() {
    if (tasks != null) {
      tasks.close();
    }
  }

  /** Issue #11's case: the worker came up, then answered 500 to every push. */
  @Test
  void theWorkerRefusesAZeroLimitOfIoBoundChunks() {
    assertRefused(
        worker("SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS", "0"),
        "simrun.worker.max-concurrent-io-chunks must be positive, was 0"
            + " (set by SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS)");
  }

  /** Two settings that only make sense together. */
  @Test
  void theWorkerRefusesAHardTimeLimitPastTheDispatchDeadline() {
    assertRefused(
        worker("SIMRUN_WORKER_HARD_TIME_LIMIT", "11m"),
        "simrun.worker.hard-time-limit must be shorter than simrun.tasks.dispatch-deadline, or"
            + " Cloud Tasks gives up on a push that still runs; were 11m and 10m"
            + " (set by SIMRUN_WORKER_HARD_TIME_LIMIT)");
  }

  /** A bean-validation constraint ({@code @Min(8)}); the api has not migrated the database. */
  @Test
  void theApiRefusesAStreamBufferBelowItsMinimum() {
    ServiceProcess api = api("SIMRUN_STREAM_BUFFER", "4");
    assertRefused(
        api,
        "simrun.stream.buffer must be greater than or equal to 8, was 4"
            + " (set by SIMRUN_STREAM_BUFFER)");
    assertThat(lines(api)).noneMatch(line -> line.contains("Running migrations"));
  }

  /** Without a trusted issuer (production's default needs a project id) the api cannot sign in. */
  @Test
  void theApiRefusesToStartWithoutAnIdentityPlatformProject() {
    Map<String, String> bad = new HashMap<>(env);
    bad.keySet().removeIf(k -> k.startsWith("SIMRUN_IDENTITY_"));
    ServiceProcess api =
        ServiceProcess.launch(
            "api-invalid", ServiceProcess.freePort(), "dev.simrun.api.Application", "worker", bad);
    assertRefused(
        api,
        "simrun.identity.issuers.primary.audience must be set (for Identity Platform: the project"
            + " id, set SIMRUN_IDENTITY_PROJECT)");
  }

  /** The environment the refusals share is otherwise sound: without the bad setting, both start. */
  @Test
  void theSameEnvironmentWithoutTheBadSettingStarts() {
    try (ServiceProcess api =
            ServiceProcess.start(
                "api", ServiceProcess.freePort(), "dev.simrun.api.Application", "worker", env);
        ServiceProcess worker =
            ServiceProcess.start(
                "worker", workerPort, "dev.simrun.worker.Application", "api", env)) {
      assertThat(api.isAlive()).isTrue();
      assertThat(worker.isAlive()).isTrue();
    }
  }

  private static ServiceProcess worker(String variable, String value) {
    Map<String, String> bad = new HashMap<>(env);
    bad.put(variable, value);
    return ServiceProcess.launch(
        "worker-invalid", workerPort, "dev.simrun.worker.Application", "api", bad);
  }

  private static ServiceProcess api(String variable, String value) {
    Map<String, String> bad = new HashMap<>(env);
    bad.put(variable, value);
    return ServiceProcess.launch(
        "api-invalid", ServiceProcess.freePort(), "dev.simrun.api.Application", "worker", bad);
  }

  private static void assertRefused(ServiceProcess service, String detail) {
    ServiceProcess.Exit exit = service.awaitExit(GENEROUS);
    String log = service.tail();
    assertThat(exit.status()).as(log).isEqualTo(ServiceMain.INVALID_CONFIGURATION);
    assertThat(exit.healthy()).as("answered /health with 200 before it exited").isFalse();
    List<String> lines = lines(service);
    assertThat(lines).as(log).noneMatch(line -> line.contains("Startup completed"));
    List<String> stated =
        lines.stream().filter(l -> l.contains(InvalidConfigurationException.PREFIX)).toList();
    assertThat(stated)
        .as(log)
        .singleElement()
        .satisfies(
            line -> assertThat(line).endsWith(InvalidConfigurationException.PREFIX + detail));
    assertThat(lines.stream().filter(l -> l.contains("ERROR")).findFirst())
        .as("the first error in the log")
        .contains(stated.get(0));
  }

  private static List<String> lines(ServiceProcess service) {
    try {
      return Files.readAllLines(service.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
