package dev.simrun.e2e;

import dev.simrun.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SimRun service (api or worker) in a process of its own, as in production: on its own runtime
 * classpath, so each sees only its own beans and libraries. Logs go to {@code target/e2e-logs/},
 * one file per start.
 */
public final class ServiceProcess implements AutoCloseable {
  static final Path LOGS = Path.of("target", "e2e-logs");
  static final String METRICS_PORT = "SIMRUN_METRICS_PORT";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final List<String> command;
  private final Map<String, String> env;
  private final Process process;
  private final Path log;

  private ServiceProcess(
      String name,
      int port,
      List<String> command,
      Map<String, String> env,
      Process process,
      Path log) {
    this.name = name;
    this.port = port;
    this.command = command;
    this.env = env;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code env} (plus PORT) and waits until {@code /health} answers.
   *
   * @param otherModule the other service's module (api or worker): its classes and jar are left out
   *     of the classpath
   */
  public static ServiceProcess start(
      String name, int port, String mainClass, String otherModule, Map<String, String> env) {
    return start(name, port, javaCommand(mainClass, otherModule), env);
  }

  /**
   * Starts {@code command} (a {@code java} command line that serves on {@code port}) with {@code
   * env} (plus PORT) and waits until {@code /health} answers: a service packaged otherwise than on
   * this test's classpath, such as the worker's Cloud Function artifact under Google's invoker.
   */
  public static ServiceProcess start(
      String name, int port, List<String> command, Map<String, String> env) {
    ServiceProcess service = launch(name, port, command, env);
    try {
      service.awaitHealthy(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  /**
   * Starts {@code mainClass} as {@link #start} does but returns at once, for a start that is meant
   * to fail: see {@link #awaitExit}.
   */
  public static ServiceProcess launch(
      String name, int port, String mainClass, String otherModule, Map<String, String> env) {
    return launch(name, port, javaCommand(mainClass, otherModule), env);
  }

  /**
   * {@code mainClass} in a JVM of its own, on exactly the classpath its image runs: the service's
   * own build (its jar, or its classes) from this test's classpath and the runtime libraries its
   * build listed in {@code target/runtime-classpath.txt} (see the parent pom). Neither service sees
   * the other's libraries or this test's (the api's security and tracing filters, the test logging
   * configuration).
   */
  private static List<String> javaCommand(String mainClass, String otherModule) {
    String module =
        switch (otherModule) {
          case "api" -> "worker";
          case "worker" -> "api";
          default -> throw new IllegalArgumentException("not a service: " + otherModule);
        };
    String own =
        Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(entry -> entry.contains("/" + module + "/target/"))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no " + module + " build on the classpath"));
    // The jar or target/classes: either way, its build's target directory holds the list.
    Path list = Path.of(own).getParent().resolve("runtime-classpath.txt");
    String libraries;
    try {
      libraries = Files.readString(list).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + list + "; build with ./mvnw package", e);
    }
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(
        List.of(
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-cp",
            own + java.io.File.pathSeparator + libraries,
            mainClass));
    return List.copyOf(command);
  }

  /** The {@code java} launcher of the JVM that runs the tests. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static ServiceProcess launch(
      String name, int port, List<String> command, Map<String, String> env) {
    try {
      Files.createDirectories(LOGS);
      Path log = Files.createTempFile(LOGS, name + "-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The management port (/prometheus): a free one unless the caller chose it.
      Map<String, String> withMetrics = new java.util.HashMap<>(env);
      withMetrics.putIfAbsent(METRICS_PORT, Integer.toString(FreePorts.belowEphemeralRange()));
      pb.environment().putAll(withMetrics);
      pb.environment().put("PORT", Integer.toString(port));
      return new ServiceProcess(name, port, command, Map.copyOf(withMetrics), pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How a process that was meant to stop on its own ended.
   *
   * @param status its exit status
   * @param healthy whether {@code /health} ever answered 200 while it ran
   */
  public record Exit(int status, boolean healthy) {}

  /**
   * Waits for the process to exit on its own, asking {@code /health} meanwhile; kills it and fails
   * if it still runs after {@code timeout}.
   */
  public Exit awaitExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean healthy = false;
    while (process.isAlive() && System.nanoTime() < deadline) {
      healthy |= answersHealthy();
      pause();
    }
    if (process.isAlive()) {
      kill();
      throw new IllegalStateException(name + " still ran after " + timeout + ":\n" + tail());
    }
    return new Exit(process.exitValue(), healthy);
  }

  /**
   * The same service started again, on the same port with the same environment; this one must have
   * stopped (see {@link #kill()}).
   */
  public ServiceProcess restart() {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " still runs; kill or close it first");
    }
    return start(name, port, command, env);
  }

  /**
   * Starts it again with its environment changed: {@code changes} adds or replaces variables, and
   * one mapped to null is removed.
   */
  public ServiceProcess restart(Map<String, String> changes) {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " still runs; kill or close it first");
    }
    Map<String, String> changed = new java.util.HashMap<>(env);
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            changed.remove(k);
          } else {
            changed.put(k, v);
          }
        });
    return start(name, port, command, changed);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The management port, where {@code /prometheus} is served. */
  public int metricsPort() {
    return Integer.parseInt(env.get(METRICS_PORT));
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start:\n" + tail());
      }
      if (answersHealthy()) {
        return;
      }
      pause();
    }
    throw new IllegalStateException(name + " not healthy within " + timeout + ":\n" + tail());
  }

  private boolean answersHealthy() {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url() + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException notYet) {
      return false; // not listening (yet)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs, nothing is flushed. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, a graceful stop; SIGKILL after 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
