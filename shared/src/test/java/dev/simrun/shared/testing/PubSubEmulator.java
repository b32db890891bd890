package dev.simrun.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gcloud's Pub/Sub emulator as a process of its own on a free port, for tests. {@link #shared()}
 * starts one per JVM; {@link #start()} one a test may stop mid-run. Tests that need it fail with a
 * clear message when the Cloud SDK's emulator is not installed: they are not skipped.
 */
public final class PubSubEmulator implements AutoCloseable {
  private static PubSubEmulator shared;

  private final Process process;
  private final int port;
  private final Path log;

  private PubSubEmulator(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** One emulator for the whole test JVM, stopped when it exits. */
  public static synchronized PubSubEmulator shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A fresh emulator on a free port, listening when this returns. */
  public static PubSubEmulator start() {
    Path script = script();
    int port = freePort();
    try {
      Path log = Files.createTempFile("pubsub-emulator-", ".log");
      Process p =
          new ProcessBuilder(script.toString(), "--host=127.0.0.1", "--port=" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PubSubEmulator emulator = new PubSubEmulator(p, port, log);
      emulator.awaitListening(Duration.ofSeconds(30));
      return emulator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Pub/Sub emulator " + script, e);
    }
  }

  /** {@code host:port}, as {@code PUBSUB_EMULATOR_HOST} takes it. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Creates subscription {@code subscription} on {@code topic} of {@code project} through the
   * emulator's REST API: from then on it keeps what is published there, for {@link #pull}.
   */
  public void subscribe(String project, String topic, String subscription) {
    rest(
        "PUT",
        "/v1/projects/" + project + "/subscriptions/" + subscription,
        "{\"topic\":\"projects/" + project + "/topics/" + topic + "\"}");
  }

  /** Pulls (and acknowledges) what the subscription holds: the emulator's JSON answer. */
  public String pull(String project, String subscription) {
    return rest(
        "POST",
        "/v1/projects/" + project + "/subscriptions/" + subscription + ":pull",
        "{\"maxMessages\":100,\"returnImmediately\":true}");
  }

  private String rest(String method, String path, String body) {
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://" + host() + path))
                      .header("Content-Type", "application/json")
                      .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the emulator at once, as a crash would; everything it held is gone. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitListening(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the Pub/Sub emulator exited: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        new Socket("127.0.0.1", port).close();
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("the Pub/Sub emulator did not listen within " + timeout);
  }

  private static Path script() {
    for (String root : sdkRoots()) {
      Path script = Path.of(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
      if (Files.isExecutable(script)) {
        return script;
      }
    }
    throw new IllegalStateException(
        "gcloud's Pub/Sub emulator is not installed (looked under "
            + sdkRoots()
            + "): install it with `gcloud components install pubsub-emulator` or the Debian"
            + " package google-cloud-cli-pubsub-emulator");
  }

  private static List<String> sdkRoots() {
    String env = System.getenv("CLOUDSDK_ROOT_DIR");
    return env != null
        ? List.of(env)
        : List.of(
            "/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
