package dev.simrun.api.testing;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.Task;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import dev.simrun.shared.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What every api test runs against, started once per JVM: a Cloud Tasks emulator with its four
 * queues, paused so that created tasks stay listable, the real client to look at them, and a fresh
 * embedded PostgreSQL database per application context.
 */
public final class TestStack {
  public static final String INTERACTIVE =
      "projects/simrun-local/locations/local/queues/simulations-interactive";
  public static final String BATCH =
      "projects/simrun-local/locations/local/queues/simulations-batch";
  public static final String INTERACTIVE_IO =
      "projects/simrun-local/locations/local/queues/simulations-interactive-io";
  public static final String BATCH_IO =
      "projects/simrun-local/locations/local/queues/simulations-batch-io";
  public static final String FINALIZE =
      "projects/simrun-local/locations/local/queues/simulations-finalize";
  private static final List<String> QUEUES =
      List.of(INTERACTIVE, BATCH, INTERACTIVE_IO, BATCH_IO, FINALIZE);

  private static CloudTasksEmulator emulator;
  private static CloudTasksClient tasks;

  private TestStack() {}

  private static synchronized void start() {
    if (emulator != null) {
      return;
    }
    CloudTasksEmulator.Builder builder = CloudTasksEmulator.builder();
    QUEUES.forEach(builder::queue);
    emulator = builder.start();
    tasks = CloudTasksClients.emulator(emulator.endpoint());
    QUEUES.forEach(tasks::pauseQueue);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  tasks.close();
                  emulator.close();
                }));
  }

  /** Properties for one application context: its own database, the shared emulator. */
  public static Map<String, String> properties() {
    start();
    Map<String, String> p = new HashMap<>(TestDatabase.properties());
    p.put("micronaut.server.port", "-1");
    p.put("simrun.tasks.emulator-endpoint", emulator.endpoint());
    // Queues are paused: nothing is ever pushed here.
    p.put("simrun.tasks.worker-url", "http://127.0.0.1:9");
    p.put("simrun.tasks.create-retry-delay", "300ms");
    // Sign-in: the emulator is the development OIDC issuer, as ./simrun runs it.
    p.put("simrun.identity.issuers.primary.issuer", emulator.issuer());
    p.put("simrun.identity.issuers.primary.jwks-url", emulator.jwksUri());
    p.put("simrun.identity.issuers.primary.audience", CloudTasksEmulator.devAudience());
    p.put("simrun.identity.development-sign-in", emulator.issuer() + "/dev/sign-in");
    // Cloud Scheduler's triggers: tokens of the scheduler account for the api's URL, signed here
    // by the same development issuer.
    p.put("simrun.auth.issuer", emulator.issuer());
    p.put("simrun.auth.jwks-uri", emulator.jwksUri());
    p.put("simrun.auth.audience", SCHEDULER_AUDIENCE);
    p.put("simrun.auth.allowed-service-accounts", SCHEDULER_ACCOUNT);
    return p;
  }

  /** The api's URL as Cloud Scheduler's tokens name it in tests. */
  public static final String SCHEDULER_AUDIENCE = "https://api.simrun.test";

  /** The service account Cloud Scheduler calls as in tests. */
  public static final String SCHEDULER_ACCOUNT =
      "simrun-scheduler@simrun-test.iam.gserviceaccount.com";

  /** An ID token of {@code account} for {@code audience}, as Google issues them to Scheduler. */
  public static String serviceToken(String account, String audience) {
    long now = java.time.Instant.now().getEpochSecond();
    return signedToken(
        Map.of(
            "iss",
            issuer(),
            "aud",
            audience,
            "sub",
            "1" + Math.abs((long) account.hashCode()),
            "email",
            account,
            "email_verified",
            true,
            "iat",
            now,
            "exp",
            now + 3600));
  }

  /** A development user's ID token, signed by the emulator's issuer. */
  public static String userToken(String user) {
    return userToken(user, null);
  }

  /** A development user's ID token with a {@code role} claim (null: none). */
  public static String userToken(String user, String role) {
    start();
    return emulator.userToken(user, role);
  }

  /** Any claims signed with the development issuer's key (tokens the api must refuse). */
  public static String signedToken(Map<String, Object> claims) {
    start();
    return emulator.signedToken(claims);
  }

  public static String devAudience() {
    return CloudTasksEmulator.devAudience();
  }

  /** The development issuer (the emulator's). */
  public static String issuer() {
    start();
    return emulator.issuer();
  }

  /** The development issuer's Identity Toolkit (email and password accounts). */
  public static String toolkitUrl() {
    start();
    return emulator.toolkitUrl();
  }

  /** The ids of the tasks a queue holds for one simulation. */
  public static List<String> taskIds(String queue, UUID simulationId) {
    start();
    String prefix = queue + "/tasks/sim-" + simulationId + "-";
    List<String> ids = new ArrayList<>();
    for (Task t : tasks.listTasks(queue).iterateAll()) {
      if (t.getName().startsWith(prefix)) {
        ids.add(t.getName().substring(queue.length() + "/tasks/".length()));
      }
    }
    return ids;
  }

  /** The task as the queue holds it: its HTTP request's headers, body and target. */
  public static Task task(String queue, String taskId) {
    start();
    return tasks.getTask(queue + "/tasks/" + taskId);
  }

  /** Deletes a task, as Cloud Tasks does when its retries run out. */
  public static void deleteTask(String queue, String taskId) {
    start();
    tasks.deleteTask(queue + "/tasks/" + taskId);
  }

  /** {@code sim-<id>-c<i>-g0} for every chunk: the names the outbox gives chunk tasks. */
  public static List<String> chunkTaskIds(UUID simulationId, int chunkCount) {
    List<String> ids = new ArrayList<>(chunkCount);
    for (int i = 0; i < chunkCount; i++) {
      ids.add("sim-" + simulationId + "-c" + i + "-g0");
    }
    return ids;
  }
}
