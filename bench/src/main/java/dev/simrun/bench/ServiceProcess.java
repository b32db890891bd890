package dev.simrun.bench;

import dev.simrun.bench.noop.NoopKind;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The api or the worker in a process of its own, started as {@code e2e}'s ServiceProcess starts
 * them: the classpath is {@code bench/target/classpath-services.txt} without the other service's
 * jar, plus this module's classes (for the {@code noop} kind) at the end, so each service still
 * finds its own {@code logback.xml} first. Output goes to a log file.
 */
final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final List<String> jvmArgs;

  private ServiceProcess(String name, Process process, int port, Path log, List<String> jvmArgs) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.jvmArgs = jvmArgs;
  }

  /**
   * Starts {@code mainClass} with {@code env} (plus PORT) and waits until {@code /health} answers
   * 200.
   *
   * @param otherModule the other service's module (api or worker): the service runs on its own
   *     runtime classpath (see {@link #classpath})
   */
  static ServiceProcess start(
      String name,
      int port,
      String mainClass,
      String otherModule,
      Map<String, String> env,
      List<String> jvmArgs,
      Path logDir) {
    ServiceProcess service =
        launch(name, port, mainClass, List.of(), otherModule, env, jvmArgs, logDir);
    service.awaitHealthy(Duration.ofSeconds(90));
    return service;
  }

  /**
   * Starts the Cloud Tasks emulator standalone ({@code dev.simrun.emulator.tasks.Main}, as {@code
   * ./simrun emulator} runs it) on {@code port} and waits for its ready line. Its per-dispatch log
   * is switched off.
   */
  static ServiceProcess startEmulator(
      int port, List<String> options, List<String> jvmArgs, Path logDir) {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
    args.addAll(options);
    List<String> jvm = new ArrayList<>(jvmArgs);
    jvm.add("-Dsimrun.emulator.dispatchLog=OFF");
    ServiceProcess emulator =
        launch(
            "cloud-tasks-emulator",
            port,
            "dev.simrun.emulator.tasks.Main",
            args,
            "api/worker",
            Map.of(),
            jvm,
            logDir);
    emulator.awaitLine("ready on", Duration.ofSeconds(60));
    return emulator;
  }

  private static ServiceProcess launch(
      String name,
      int port,
      String mainClass,
      List<String> args,
      String otherModule,
      Map<String, String> env,
      List<String> jvmArgs,
      Path logDir) {
    String classpath = classpath(otherModule) + File.pathSeparator + benchClasses();
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.addAll(List.of("-cp", classpath, mainClass));
      command.addAll(args);
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().put("PORT", Integer.toString(port));
      // The management port (/prometheus): a free one, so that runs side by side never collide.
      pb.environment().putIfAbsent("SIMRUN_METRICS_PORT", Integer.toString(freePort()));
      return new ServiceProcess(name, pb.start(), port, log, jvmArgs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bench/target/classes} (or wherever this module's classes are). */
  static Path benchClasses() {
    try {
      return Path.of(NoopKind.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The classpath of whatever is not {@code otherModule}. For one service ({@code otherModule} is
   * the other one) that is exactly what its image runs: its own jar and the runtime classpath its
   * build wrote to {@code target/runtime-classpath.txt}, so it never runs with the other service's
   * libraries (the api's HTTP tracing filter and security filter would otherwise sit in front of
   * the worker's handlers). For anything else ({@code "api/worker"}: the emulator) it is this
   * module's runtime classpath less both services.
   */
  private static String classpath(String otherModule) {
    List<String> entries = List.of(servicesClasspath().split(File.pathSeparator));
    List<String> others = List.of(otherModule.split("/"));
    List<String> services = List.of("api", "worker");
    if (others.size() == 1 && services.contains(otherModule)) {
      String module = services.get(1 - services.indexOf(otherModule));
      String own =
          entries.stream()
              .filter(entry -> entry.contains("/" + module + "/target/"))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("no " + module + " build on " + entries));
      // The jar or target/classes: either way, its build's target directory holds the file.
      Path runtime = Path.of(own).getParent().resolve("runtime-classpath.txt");
      try {
        return own + File.pathSeparator + Files.readString(runtime, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + runtime + "; build with ./mvnw -pl bench -am package -DskipTests", e);
      }
    }
    return entries.stream()
        .filter(
            entry ->
                others.stream()
                    .noneMatch(
                        other ->
                            entry.contains("/" + other + "/target/")
                                || entry.contains("/simrun-" + other + "/")))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The runtime classpath with the api and the worker, written by {@code mvn package}. */
  private static String servicesClasspath() {
    Path file = benchClasses().getParent().resolve("classpath-services.txt");
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + file + "; build with ./mvnw -pl bench -am package -DskipTests", e);
    }
  }

  /**
   * The environment the api and the worker get in every benchmark: the database, the Cloud Tasks
   * emulator at {@code tasksEndpoint} (its queues in {@code project}/{@code location}), and the
   * admission limits lifted, because a benchmark queues far more work for one owner than a person
   * may.
   */
  static Map<String, String> serviceEnv(
      String jdbcUrl, String project, String location, String tasksEndpoint) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("DATABASE_URL", jdbcUrl);
    env.put("DATABASE_USER", BenchPostgres.USER);
    env.put("DATABASE_PASSWORD", BenchPostgres.PASSWORD);
    env.put("SIMRUN_ADMISSION_MAX_ACTIVE_PER_OWNER", Integer.toString(Integer.MAX_VALUE));
    env.put("SIMRUN_ADMISSION_MAX_QUEUED_CHUNKS", Long.toString(Long.MAX_VALUE));
    env.put("SIMRUN_TASKS_PROJECT", project);
    env.put("SIMRUN_TASKS_LOCATION", location);
    env.put("SIMRUN_TASKS_EMULATOR_ENDPOINT", tasksEndpoint);
    // Sign-in: the emulator is the development OIDC issuer, as in ./simrun up.
    issuer = "http://" + tasksEndpoint;
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_ISSUER", issuer);
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_JWKS_URL", issuer + "/oauth2/v3/certs");
    env.put("SIMRUN_IDENTITY_ISSUERS_PRIMARY_AUDIENCE", "simrun-local");
    return env;
  }

  /** The development issuer of the last {@link #serviceEnv}: the emulator. */
  private static volatile String issuer = "http://127.0.0.1:8123";

  private static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The {@code Authorization} value of development user {@code owner}: an ID token from the
   * emulator's {@code POST /dev/sign-in}, kept for the run (tokens live an hour).
   */
  static String bearer(String owner) {
    return TOKENS.computeIfAbsent(owner, ServiceProcess::signIn);
  }

  /**
   * The owner the api stores for development user {@code user}, by decision 0024's rule: {@code u-}
   * and base64url of the first 160 bits of SHA-256 over {@code <issuer>#<sub>}. Written out here
   * because the benchmark's own process runs without the api's classes.
   */
  static String ownerOf(String user) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest((issuer + "#" + user).getBytes(StandardCharsets.UTF_8));
      return "u-"
          + java.util.Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(Arrays.copyOf(digest, 20));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String signIn(String owner) {
    try {
      HttpResponse<String> r =
          SUBMITS.send(
              HttpRequest.newBuilder(URI.create(issuer + "/dev/sign-in"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + owner + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher token = ID_TOKEN.matcher(r.body());
      if (r.statusCode() != 200 || !token.find()) {
        throw new IllegalStateException("sign-in answered " + r.statusCode() + ": " + r.body());
      }
      return "Bearer " + token.group(1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern ID_TOKEN = Pattern.compile("\"idToken\"\\s*:\\s*\"([^\"]+)\"");

  private static final Pattern SIMULATION_ID =
      Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  private static final HttpClient SUBMITS =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** POSTs a simulation to this api as {@code owner}; the id it was accepted under. */
  UUID submit(String owner, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        SUBMITS.send(
            HttpRequest.newBuilder(URI.create(url() + "/api/v1/simulations"))
                .header("Content-Type", "application/json")
                .header("Authorization", bearer(owner))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher id = SIMULATION_ID.matcher(response.body());
    if (response.statusCode() != 202 || !id.find()) {
      throw new IllegalStateException(
          "POST answered " + response.statusCode() + ": " + response.body());
    }
    return UUID.fromString(id.group(1));
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** {@code host:port}, for a gRPC client. */
  String endpoint() {
    return "127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  List<String> jvmArgs() {
    return jvmArgs;
  }

  boolean alive() {
    return process.isAlive();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitLine(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start:\n" + tail());
      }
      try {
        if (Files.exists(log) && Files.readString(log).contains(text)) {
          return;
        }
      } catch (IOException notYet) {
        // retried
      }
      sleep(100);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail());
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start:\n" + tail());
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(100);
    }
    throw new IllegalStateException(name + " not healthy within " + timeout + ":\n" + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
