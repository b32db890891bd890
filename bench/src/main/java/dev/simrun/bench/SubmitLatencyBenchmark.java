package dev.simrun.bench;

import com.google.cloud.tasks.v2.CloudTasksClient;
import dev.simrun.bench.noop.NoopKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submit latency under a steady open-loop load: {@code POST /api/v1/simulations} of a {@code noop}
 * simulation with {@value #CHUNKS} chunks at {@value #POST_RATE} requests/s, and beside it {@code
 * GET /health} at {@value #HEALTH_RATE} requests/s to the same api process: the baseline, what the
 * same server answers when the request does (almost) nothing.
 *
 * <p>The load is open loop: every request has an intended send time on a fixed schedule, and its
 * latency runs from that time to the end of the response, so a stall delays the requests behind it
 * and they count it (no coordinated omission). One {@value #WARMUP_SECONDS} s warm-up, then {@value
 * #RUNS} measured runs of {@value #MEASURE_SECONDS} s. The Cloud Tasks emulator runs in a process
 * of its own with the queue paused: the api's outbox pump creates every task (CreateTask over
 * gRPC), nothing is pushed, no worker runs. This JVM only generates load, so the emulator's heap
 * (hundreds of thousands of tasks per run) cannot pause the load generator. Run from the repository
 * root; results go to {@code bench/results/submit-latency.md}.
 */
public final class SubmitLatencyBenchmark {
  static final int CHUNKS = 100;
  static final int POST_RATE = 100;
  static final int HEALTH_RATE = 20;
  static final int WARMUP_SECONDS = 10;
  static final int MEASURE_SECONDS = 30;
  static final int RUNS = 3;
  static final double GOAL_RATIO = 3.0;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(45);

  static final String PROJECT = "simrun-bench";
  static final String LOCATION = "local";

  /** Where the noop kind's chunks go: it counts as I/O-bound (decision 0014). */
  static final String QUEUE =
      "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/simulations-interactive-io";

  static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.SubmitLatencyBenchmark [--runs=R]";

  private static final java.util.logging.Logger GRPC_JUL =
      java.util.logging.Logger.getLogger("io.grpc");

  private SubmitLatencyBenchmark() {}

  /**
   * One load run.
   *
   * @param post latencies of the POSTs, ms from intended send to response
   * @param health the same for GET /health
   * @param postErrors POSTs that failed or answered other than 202
   * @param healthErrors GETs that failed or answered other than 200
   * @param pacerLagMillis the latest the generator sent a request after its intended time
   * @param backlog outbox rows not yet turned into tasks when the run's last response came
   * @param drainSeconds from then until the outbox was empty (NaN if it did not empty in time)
   * @param tasksCreated tasks the api created in the emulator during the run and its drain
   * @param stuck why the outbox did not drain in time, or null when it did
   */
  record Run(
      double[] post,
      double[] health,
      int postErrors,
      int healthErrors,
      double pacerLagMillis,
      long backlog,
      double drainSeconds,
      long tasksCreated,
      String stuck) {
    double postP(double p) {
      return Stats.percentile(post, p);
    }

    double healthP(double p) {
      return Stats.percentile(health, p);
    }

    double ratio() {
      return postP(99) / healthP(99);
    }
  }

  public static void main(String[] args) throws Exception {
    GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    int runs = RUNS;
    for (String a : args) {
      if (a.startsWith("--runs=")) {
        runs = Integer.parseInt(a.substring("--runs=".length()));
      } else {
        throw new IllegalArgumentException("unknown option " + a + "; usage: " + COMMAND);
      }
    }
    Instant started = Instant.now();
    Path runDir = Stats.runDir("submit", started);
    List<Run> results = new ArrayList<>();
    String stoppedEarly = null;
    String postgres;
    List<String> apiJvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    apiJvm.add("-Xmx512m");
    System.out.printf(
        Locale.ROOT,
        "Submit latency benchmark: POST (%d chunks) at %d/s and GET /health at %d/s, %d s warm-up"
            + " + %d x %d s; logs in %s%n",
        CHUNKS,
        POST_RATE,
        HEALTH_RATE,
        WARMUP_SECONDS,
        runs,
        MEASURE_SECONDS,
        runDir);
    List<String> emulatorJvm = List.of("--enable-native-access=ALL-UNNAMED", "-Xss512k", "-Xmx2g");
    try (BenchPostgres pg = BenchPostgres.start();
        ServiceProcess emulator =
            ServiceProcess.startEmulator(
                ServiceProcess.freePort(),
                List.of(
                    "--queue",
                    QUEUE,
                    "--queue",
                    QUEUE.replace("simulations-interactive-io", "simulations-finalize"),
                    "--task-name-reservation",
                    "PT1M"),
                emulatorJvm,
                runDir);
        CloudTasksClient tasks = PipelineThroughputBenchmark.grpcClient(emulator.endpoint())) {
      tasks.pauseQueue(QUEUE);
      postgres = pg.describe();
      String db = pg.createDatabase("simrun_submit");
      int workerPort = ServiceProcess.freePort();
      String workerUrl = "http://127.0.0.1:" + workerPort;
      Map<String, String> env =
          ServiceProcess.serviceEnv(db, PROJECT, LOCATION, emulator.endpoint());
      env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
      env.put("SIMRUN_AUTH_ISSUER", emulator.url());
      env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
      try (ServiceProcess api =
              ServiceProcess.start(
                  "api",
                  ServiceProcess.freePort(),
                  "dev.simrun.api.Application",
                  "worker",
                  env,
                  apiJvm,
                  runDir);
          Load load = new Load(api.url())) {
        System.out.printf(Locale.ROOT, "  api pid %d%n", api.pid());
        for (int i = 0; i <= runs; i++) {
          boolean warmup = i == 0;
          System.gc();
          long created = emulatorTasks(emulator);
          Run run = load.run(warmup ? WARMUP_SECONDS : MEASURE_SECONDS);
          System.out.printf(
              Locale.ROOT,
              "  %-8s POST p50 %6.1f p99 %7.1f max %7.1f ms | health p50 %5.1f p99 %6.1f ms |"
                  + " p99 ratio %5.2f | errors %d/%d | generator lag %.1f ms%n",
              warmup ? "warm-up" : "run " + i,
              run.postP(50),
              run.postP(99),
              run.postP(100),
              run.healthP(50),
              run.healthP(99),
              run.ratio(),
              run.postErrors(),
              run.healthErrors(),
              run.pacerLagMillis());
          Run drained = drain(run, db, emulator, created);
          if (!warmup) {
            results.add(drained);
          }
          System.out.printf(
              Locale.ROOT,
              "           outbox backlog %d, %s; %d tasks created%n",
              drained.backlog(),
              drained.stuck() == null
                  ? String.format(Locale.ROOT, "drained in %.1f s", drained.drainSeconds())
                  : "NOT drained within " + DRAIN_TIMEOUT.toSeconds() + " s: " + drained.stuck(),
              drained.tasksCreated());
          if (drained.stuck() != null) {
            stoppedEarly =
                (warmup ? "the warm-up" : "measured run " + i)
                    + ": the outbox did not drain within "
                    + DRAIN_TIMEOUT.toSeconds()
                    + " s ("
                    + drained.stuck()
                    + "), so the benchmark stopped there";
            System.out.println("  stopping: " + stoppedEarly);
            break;
          }
          tasks.purgeQueue(QUEUE);
          if (!api.alive()) {
            throw new IllegalStateException("the api exited; log: " + api.log());
          }
          Thread.sleep(1000);
        }
      }
    }
    String report = report(started, runs, postgres, apiJvm, emulatorJvm, results, stoppedEarly);
    System.out.println();
    System.out.println(report);
    if (runs == RUNS && !results.isEmpty()) {
      Path out = Stats.resultsDir().resolve("submit-latency.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    } else {
      System.out.println("Shortened run: results not written");
    }
    System.exit(0);
  }

  /**
   * Waits up to {@link #DRAIN_TIMEOUT} until the api turned every outbox row into a task. When it
   * does not, notes the oldest statement still running in the api's database: the benchmark then
   * stops (reported), since the next run would start with the backlog.
   */
  private static Run drain(Run run, String db, ServiceProcess emulator, long createdBefore)
      throws SQLException, InterruptedException {
    long backlog = outboxRows(db);
    long start = System.nanoTime();
    long deadline = start + DRAIN_TIMEOUT.toNanos();
    long left = backlog;
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = outboxRows(db);
    }
    double drainSeconds = left == 0 ? (System.nanoTime() - start) / 1e9 : Double.NaN;
    String stuck = left == 0 ? null : left + " rows left; " + oldestStatement(db);
    long tasks = emulatorTasks(emulator);
    return new Run(
        run.post(),
        run.health(),
        run.postErrors(),
        run.healthErrors(),
        run.pacerLagMillis(),
        backlog,
        drainSeconds,
        tasks - createdBefore,
        stuck);
  }

  private static final Pattern TASKS = Pattern.compile("\"tasks\":(\\d+)");
  private static final HttpClient STATS =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Tasks held in all the emulator's queues, from its {@code /emulator/v1/stats}. */
  private static long emulatorTasks(ServiceProcess emulator) throws InterruptedException {
    try {
      HttpResponse<String> r =
          STATS.send(
              HttpRequest.newBuilder(URI.create(emulator.url() + "/emulator/v1/stats"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = TASKS.matcher(r.body());
      if (r.statusCode() != 200 || !m.find()) {
        throw new IllegalStateException("emulator stats: " + r.statusCode() + " " + r.body());
      }
      return Long.parseLong(m.group(1));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The statement that has been running longest in {@code db}, other than this query. */
  private static String oldestStatement(String db) throws SQLException {
    try (Connection c = BenchPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT extract(epoch FROM now() - query_start) AS seconds, query"
                    + " FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state = 'active' AND pid <> pg_backend_pid()"
                    + " ORDER BY query_start LIMIT 1")) {
      if (!rs.next()) {
        return "no statement running";
      }
      return String.format(
          Locale.ROOT,
          "the api's oldest running statement had run for %.0f s: `%s`",
          rs.getDouble("seconds"),
          rs.getString("query").replaceAll("\\s+", " ").strip());
    }
  }

  static long outboxRows(String db) throws SQLException {
    try (Connection c = BenchPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The open-loop load generator: one pacing thread, requests sent with {@code sendAsync}. POSTs of
   * a {@code chunks}-chunk noop simulation at {@code postRate}/s and, beside them, GET /health at
   * {@code healthRate}/s (0 for none).
   */
  static final class Load implements AutoCloseable {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient postClient;
    private final HttpClient healthClient;
    private final HttpRequest post;
    private final HttpRequest health;
    private final int postRate;
    private final int healthRate;

    Load(String apiUrl) {
      this(apiUrl, CHUNKS, POST_RATE, HEALTH_RATE);
    }

    Load(String apiUrl, int chunks, int postRate, int healthRate) {
      this.postRate = postRate;
      this.healthRate = healthRate;
      this.postClient =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
      this.healthClient =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
      String body =
          """
          {"kind": "%s", "name": "submit benchmark", "params": {"units": %d},
           "chunking": {"unitsPerChunk": 1}}
          """
              .formatted(NoopKind.NAME, chunks);
      this.post =
          HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/simulations"))
              .header("Content-Type", "application/json")
              .header("Authorization", ServiceProcess.bearer("bench"))
              .timeout(REQUEST_TIMEOUT)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      this.health =
          HttpRequest.newBuilder(URI.create(apiUrl + "/health")).timeout(REQUEST_TIMEOUT).build();
    }

    Run run(int seconds) throws InterruptedException {
      int posts = seconds * postRate;
      int healths = seconds * healthRate;
      long postInterval = TimeUnit.SECONDS.toNanos(1) / postRate;
      long healthInterval = healthRate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / healthRate;
      double[] postLatency = new double[posts];
      double[] healthLatency = new double[healths];
      Arrays.fill(postLatency, Double.NaN);
      Arrays.fill(healthLatency, Double.NaN);
      AtomicInteger postErrors = new AtomicInteger();
      AtomicInteger healthErrors = new AtomicInteger();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      CountDownLatch done = new CountDownLatch(posts + healths);
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      long maxLag = 0;
      int i = 0;
      int j = 0;
      while (i < posts || j < healths) {
        long nextPost = i < posts ? start + i * postInterval : Long.MAX_VALUE;
        long nextHealth = j < healths ? start + j * healthInterval : Long.MAX_VALUE;
        boolean isPost = nextPost <= nextHealth;
        long intended = isPost ? nextPost : nextHealth;
        long now;
        while ((now = System.nanoTime()) < intended) {
          LockSupport.parkNanos(intended - now);
        }
        maxLag = Math.max(maxLag, now - intended);
        if (isPost) {
          send(postClient, post, 202, intended, postLatency, i++, postErrors, failures, done);
        } else {
          send(
              healthClient,
              health,
              200,
              intended,
              healthLatency,
              j++,
              healthErrors,
              failures,
              done);
        }
      }
      if (!done.await(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("responses missing after the run");
      }
      if (!failures.isEmpty()) {
        System.err.println("  first failure: " + failures.peek());
      }
      return new Run(
          postLatency,
          healthLatency,
          postErrors.get(),
          healthErrors.get(),
          maxLag / 1e6,
          0,
          Double.NaN,
          0,
          null);
    }

    private static void send(
        HttpClient client,
        HttpRequest request,
        int expected,
        long intended,
        double[] latencies,
        int index,
        AtomicInteger errors,
        ConcurrentLinkedQueue<Throwable> failures,
        CountDownLatch done) {
      client
          .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .whenComplete(
              (response, error) -> {
                latencies[index] = (System.nanoTime() - intended) / 1e6;
                if (error != null) {
                  errors.incrementAndGet();
                  failures.add(error);
                } else if (response.statusCode() != expected) {
                  errors.incrementAndGet();
                  failures.add(
                      new IllegalStateException(
                          response.statusCode()
                              + " "
                              + new String(response.body(), StandardCharsets.UTF_8)));
                }
                done.countDown();
              });
    }

    @Override
    public void close() {
      postClient.shutdownNow();
      healthClient.shutdownNow();
      executor.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------ report

  private static String report(
      Instant started,
      int runs,
      String postgres,
      List<String> apiJvm,
      List<String> emulatorJvm,
      List<Run> results,
      String stoppedEarly) {
    StringBuilder md = new StringBuilder();
    md.append("# Submit latency: POST /api/v1/simulations vs GET /health\n\n");
    md.append("Benchmark: `dev.simrun.bench.SubmitLatencyBenchmark` (see `bench/README.md`).\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    md.append("- Code: ").append(Machine.revision()).append('\n');
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- Load: POST (`noop`, %d chunks of 1 unit) at %d requests/s and GET /health at %d"
                + " requests/s, at the same time, open loop; %d s warm-up, then %d measured runs of"
                + " %d s\n",
            CHUNKS,
            POST_RATE,
            HEALTH_RATE,
            WARMUP_SECONDS,
            runs,
            MEASURE_SECONDS));
    md.append("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+):\n\n");
    md.append("  ```sh\n  ").append(COMMAND).append("\n  ```\n\n");
    md.append("  or `./simrun bench submit`, which picks a JDK and does the same.\n\n");

    md.append("## Settings\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- api: one process, JVM %s, default configuration (HikariCP pool 10, outbox pump"
                + " with 64 CreateTask calls in flight, Micronaut's blocking executor on virtual"
                + " threads).\n",
            apiJvm));
    md.append(
        "- Cloud Tasks emulator in a process of its own (`dev.simrun.emulator.tasks.Main`, JVM "
            + emulatorJvm
            + ", task names reserved for 1 min instead of 1 h to bound its memory), default"
            + " limits, queue **paused**: the only dispatch load is CreateTask (over gRPC, from"
            + " the api's outbox pump); nothing is pushed and no worker runs. The queue is purged"
            + " after every run.\n");
    md.append(
        "- Load generator in the benchmark JVM: `java.net.http.HttpClient` (HTTP/1.1,"
            + " virtual-thread executor), one client per stream, `sendAsync` from one pacing"
            + " thread on a fixed schedule.\n\n");

    md.append("## Results\n\n");
    double postP99 = Stats.median(results, r -> r.postP(99));
    double healthP99 = Stats.median(results, r -> r.healthP(99));
    double ratio = postP99 / healthP99;
    md.append(
        "| Request | runs | median p50 (ms) | median p90 (ms) | median p99 (ms) | p99 min – max"
            + " (ms) | max of max (ms) | errors |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append(
        row(
            "POST /api/v1/simulations (" + CHUNKS + " chunks)",
            results,
            Run::postP,
            results.stream().mapToInt(Run::postErrors).sum()));
    md.append(
        row(
            "Baseline: GET /health",
            results,
            Run::healthP,
            results.stream().mapToInt(Run::healthErrors).sum()));
    md.append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "p99 ratio POST / health (medians of the runs' p99): **%.2f×**. Goal: ≤ %.0f×: %s.\n\n",
            ratio,
            GOAL_RATIO,
            ratio <= GOAL_RATIO ? "**met**" : "**NOT met**"));

    if (stoppedEarly != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "**%s**: %s. See \"Outbox claim\" in `bench/README.md`.\n\n",
              results.size() < runs
                  ? "Only " + results.size() + " of " + runs + " measured runs"
                  : "The outbox did not drain after the last run",
              stoppedEarly));
    }
    md.append("Every run:\n\n");
    md.append(
        "| run | POST p50 | p90 | p99 | max | health p50 | p90 | p99 | max | p99 ratio | errors"
            + " (POST/health) | generator max lag (ms) | outbox backlog at end | drained in (s)"
            + " | tasks created |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < results.size(); i++) {
      Run r = results.get(i);
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %d/%d | %.1f"
                  + " | %,d | %s | %,d |\n",
              i + 1,
              r.postP(50),
              r.postP(90),
              r.postP(99),
              r.postP(100),
              r.healthP(50),
              r.healthP(90),
              r.healthP(99),
              r.healthP(100),
              r.ratio(),
              r.postErrors(),
              r.healthErrors(),
              r.pacerLagMillis(),
              r.backlog(),
              r.stuck() != null
                  ? "not within " + DRAIN_TIMEOUT.toSeconds() + " s"
                  : String.format(Locale.ROOT, "%.1f", r.drainSeconds()),
              r.tasksCreated()));
    }
    md.append("\n## Notes\n\n");
    md.append(
        """
        - Latency is measured from each request's intended send time on the fixed schedule to \
        the end of its response (body read), so time a request spent waiting behind a stalled \
        one counts (no coordinated omission). "Generator max lag" is how late the pacing thread \
        ever sent a request; it should stay far below the latencies.
        - Percentiles are exact (nearest rank over every request of the run), not histogram \
        buckets; %,d POSTs and %,d GETs per measured run.
        - POST is the whole submit path: JSON binding, the kind's validation and chunk planning, \
        one transaction that inserts the simulation, its %d chunks, %d outbox rows and one event, \
        then waking the outbox pump. The pump's CreateTask calls run in the same process after \
        the response and compete for its CPU and connection pool.
        - The baseline is the same server's `/health` (Micronaut management, with its JDBC \
        indicator checking a pooled connection), sent at the same time, so both see the same \
        machine, JVM and pool state.
        - After each run the benchmark waits up to %d s for the api to empty the outbox (the \
        backlog column is how many rows were left when the last response came; "drained in" is \
        how long emptying took), then purges the queue; neither is inside a measured window. \
        If the outbox does not empty in time, the next run would start with that backlog, so \
        the benchmark stops and reports the runs it has.
        - Everything (PostgreSQL, the emulator's JVM, the api's JVM and the benchmark JVM, which \
        only generates load) shares the same cores. The emulator runs apart so that its garbage \
        collections (it holds every created task until the purge) cannot stall the load \
        generator; with the emulator in the benchmark JVM the generator was up to ~70 ms late.
        """
            .formatted(
                MEASURE_SECONDS * POST_RATE,
                MEASURE_SECONDS * HEALTH_RATE,
                CHUNKS,
                CHUNKS,
                DRAIN_TIMEOUT.toSeconds()));
    return md.toString();
  }

  private interface Percentile {
    double at(Run run, double p);
  }

  private static String row(String name, List<Run> runs, Percentile p, int errors) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.1f | %.1f | **%.1f** | %.1f – %.1f | %.1f | %d |\n",
        name,
        runs.size(),
        Stats.median(runs, r -> p.at(r, 50)),
        Stats.median(runs, r -> p.at(r, 90)),
        Stats.median(runs, r -> p.at(r, 99)),
        Stats.min(runs, r -> p.at(r, 99)),
        Stats.max(runs, r -> p.at(r, 99)),
        Stats.max(runs, r -> p.at(r, 100)),
        errors);
  }
}
