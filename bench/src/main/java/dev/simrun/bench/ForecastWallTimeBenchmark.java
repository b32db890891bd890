package dev.simrun.bench;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import dev.simrun.shared.simulations.SimulationStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * The forecast seeds' case on the whole local stack: {@code
 * examples/forecast-83-days-5-agents.json} (83 forecast days × 5 agents whose every call takes 2.5
 * s, one day per chunk: 83 chunks of about 2.5 s) submitted to the api, from the POST until the
 * simulation is SUCCEEDED in PostgreSQL.
 *
 * <p>Processes: an embedded PostgreSQL, the Cloud Tasks emulator (as {@code ./simrun emulator} runs
 * it), the api and one worker, speaking HTTP and gRPC on loopback, the worker verifying the
 * emulator's OIDC tokens. The queue dispatches at Cloud Tasks' maximum of 500/s with {@code
 * max_concurrent_dispatches} equal to the worker's limit, and retries without limit.
 *
 * <p>Scenarios, in the same run on the same processes (the worker restarted between them):
 *
 * <ul>
 *   <li><b>parallel</b>: the worker at {@code max-concurrent-io-chunks} = {@value #PARALLEL_LIMIT}
 *       (the forecast kind's chunks are I/O-bound), so all 83 chunks can run at once. One warm-up,
 *       then {@code --runs} measured runs (default {@value #RUNS}).
 *   <li><b>baseline</b>: the same worker at a limit of 1 and the queue at 1 concurrent dispatch:
 *       the chunks one after another through the same pipeline, about 83 × 2.5 s. {@code
 *       --baseline-runs} runs (default 1: each takes three and a half minutes).
 * </ul>
 *
 * Results go to {@code bench/results/forecast-wall-time.md} when run with the defaults.
 */
public final class ForecastWallTimeBenchmark {
  static final int RUNS = 5;
  static final int BASELINE_RUNS = 1;
  static final int PARALLEL_LIMIT = 100;
  static final Path EXAMPLE = Path.of("examples/forecast-83-days-5-agents.json");
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
  static final Duration POLL = Duration.ofMillis(10);
  static final String OWNER = "bench";
  static final String PROJECT = "simrun-bench";
  static final String LOCATION = "local";
  static final String QUEUE =
      "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/simulations-interactive-io";
  static final String FINALIZE_QUEUE =
      "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/simulations-finalize";
  static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.ForecastWallTimeBenchmark [--runs=R] [--baseline-runs=B]";

  private ForecastWallTimeBenchmark() {}

  /**
   * One submit.
   *
   * @param wallSeconds from sending the POST until the simulation row said SUCCEEDED
   * @param serverSeconds the simulation's {@code finished_at - created_at}
   * @param firstStartSeconds from the POST until the first chunk was claimed
   * @param chunks chunks of the simulation
   * @param peak the most chunks RUNNING at one moment (from their started/finished times)
   * @param attempts claims over all chunks (chunks when none was retried)
   */
  record Run(
      String scenario,
      int limit,
      double wallSeconds,
      double serverSeconds,
      double firstStartSeconds,
      int chunks,
      int peak,
      int attempts) {}

  public static void main(String[] args) throws Exception {
    int runs = RUNS;
    int baselineRuns = BASELINE_RUNS;
    for (String a : args) {
      if (a.startsWith("--runs=")) {
        runs = Integer.parseInt(a.substring("--runs=".length()));
      } else if (a.startsWith("--baseline-runs=")) {
        baselineRuns = Integer.parseInt(a.substring("--baseline-runs=".length()));
      } else {
        throw new IllegalArgumentException("unknown option " + a + "; usage: " + COMMAND);
      }
    }
    String body = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    Instant started = Instant.now();
    String revision = Machine.revision();
    Path runDir = Stats.runDir("forecast", started);
    List<String> jvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    jvm.add("-Xmx512m");
    List<String> emulatorJvm = List.of("--enable-native-access=ALL-UNNAMED", "-Xmx512m");
    List<Run> results = new ArrayList<>();
    String postgres;
    System.out.printf(
        Locale.ROOT,
        "Forecast wall-time benchmark: %s, %d runs at limit %d, %d baseline runs at limit 1;"
            + " logs in %s%n",
        EXAMPLE,
        runs,
        PARALLEL_LIMIT,
        baselineRuns,
        runDir);
    try (BenchPostgres pg = BenchPostgres.start();
        ServiceProcess emulator =
            ServiceProcess.startEmulator(
                ServiceProcess.freePort(),
                List.of("--queue", QUEUE, "--queue", FINALIZE_QUEUE),
                emulatorJvm,
                runDir);
        CloudTasksClient tasks = PipelineThroughputBenchmark.grpcClient(emulator.endpoint())) {
      postgres = pg.describe();
      String db = pg.createDatabase("simrun_forecast");
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
              jvm,
              runDir)) {
        for (int i = 0; i <= runs; i++) {
          scenario("parallel", PARALLEL_LIMIT, i == 0, env, workerPort, jvm, runDir);
          Run run = submit(api, db, body, tasks, "parallel", PARALLEL_LIMIT, i == 0);
          if (i > 0) {
            results.add(run);
          }
        }
        for (int i = 1; i <= baselineRuns; i++) {
          scenario("baseline", 1, i == 1, env, workerPort, jvm, runDir);
          results.add(submit(api, db, body, tasks, "baseline", 1, false));
        }
        stopWorker();
      }
    }
    String report = report(started, revision, runs, baselineRuns, postgres, jvm, results);
    System.out.println();
    System.out.println(report);
    if (runs == RUNS && baselineRuns >= BASELINE_RUNS) {
      Path out = Stats.resultsDir().resolve("forecast-wall-time.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    } else {
      System.out.println("Shortened run: results not written");
    }
    System.exit(0);
  }

  private static ServiceProcess worker;
  private static int workerLimit = -1;

  /**
   * Makes sure a worker with {@code limit} runs (restarting it when the limit changes) and the
   * queue lets as many chunks out at once.
   */
  private static void scenario(
      String name,
      int limit,
      boolean announce,
      Map<String, String> env,
      int workerPort,
      List<String> jvm,
      Path runDir) {
    if (workerLimit != limit) {
      stopWorker();
      Map<String, String> workerEnv = new java.util.HashMap<>(env);
      workerEnv.put("SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS", Integer.toString(limit));
      workerEnv.put("SIMRUN_WORKER_MAX_CONCURRENT_CHUNKS", Integer.toString(limit));
      worker =
          ServiceProcess.start(
              "worker-" + name,
              workerPort,
              "dev.simrun.worker.Application",
              "api",
              workerEnv,
              jvm,
              runDir);
      workerLimit = limit;
    }
    if (announce) {
      System.out.printf(Locale.ROOT, "  %s: worker limit %d (pid %d)%n", name, limit, worker.pid());
    }
  }

  private static void stopWorker() {
    if (worker != null) {
      worker.close();
      worker = null;
      workerLimit = -1;
    }
  }

  /** Rate 500/s (Cloud Tasks' maximum), {@code concurrent} at once, retries without limit. */
  private static void configureQueue(CloudTasksClient tasks, int concurrent) {
    tasks.updateQueue(
        Queue.newBuilder()
            .setName(QUEUE)
            .setRateLimits(
                RateLimits.newBuilder()
                    .setMaxDispatchesPerSecond(500)
                    .setMaxConcurrentDispatches(concurrent))
            .setRetryConfig(
                RetryConfig.newBuilder()
                    .setMaxAttempts(-1)
                    .setMinBackoff(Durations.fromMillis(100))
                    .setMaxBackoff(Durations.fromSeconds(1))
                    .setMaxDoublings(3))
            .build(),
        FieldMask.newBuilder()
            .addPaths("rate_limits.max_dispatches_per_second")
            .addPaths("rate_limits.max_concurrent_dispatches")
            .addPaths("retry_config")
            .build());
  }

  private static Run submit(
      ServiceProcess api,
      String jdbcUrl,
      String body,
      CloudTasksClient tasks,
      String scenario,
      int limit,
      boolean warmup)
      throws Exception {
    configureQueue(tasks, limit);
    try (Connection c = BenchPostgres.connect(jdbcUrl);
        PreparedStatement poll =
            c.prepareStatement("SELECT status FROM simulations WHERE id = ?")) {
      long t0 = System.nanoTime();
      UUID simulation = api.submit(OWNER, body);
      poll.setObject(1, simulation);
      long deadline = t0 + RUN_TIMEOUT.toNanos();
      long done = -1;
      while (done < 0) {
        try (ResultSet rs = poll.executeQuery()) {
          rs.next();
          SimulationStatus status = SimulationStatus.valueOf(rs.getString(1));
          if (status == SimulationStatus.SUCCEEDED) {
            done = System.nanoTime();
          } else if (!status.runsChunks()) {
            throw new IllegalStateException("simulation " + simulation + " is " + status);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("simulation " + simulation + " not done in time");
        }
        LockSupport.parkNanos(POLL.toNanos());
      }
      Run run = measured(c, simulation, scenario, limit, (done - t0) / 1e9, t0);
      System.out.printf(
          Locale.ROOT,
          "  %-8s %-8s limit %3d: wall %7.2f s, server %7.2f s, first claim %.2f s,"
              + " %d chunks, peak %d at once, %d claims%n",
          scenario,
          warmup ? "warm-up" : "run",
          limit,
          run.wallSeconds(),
          run.serverSeconds(),
          run.firstStartSeconds(),
          run.chunks(),
          run.peak(),
          run.attempts());
      if (!worker.alive() || !api.alive()) {
        throw new IllegalStateException("a service exited; logs in " + api.log().getParent());
      }
      return run;
    }
  }

  private static Run measured(
      Connection c, UUID simulation, String scenario, int limit, double wall, long t0Nanos)
      throws SQLException {
    double server;
    Instant created;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT created_at, finished_at FROM simulations WHERE id = ?")) {
      ps.setObject(1, simulation);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        created = rs.getTimestamp(1).toInstant();
        server = Duration.between(created, rs.getTimestamp(2).toInstant()).toNanos() / 1e9;
      }
    }
    List<long[]> intervals = new ArrayList<>();
    int attempts = 0;
    long firstStart = Long.MAX_VALUE;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT started_at, finished_at, attempt FROM chunks WHERE simulation_id = ?")) {
      ps.setObject(1, simulation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long from = micros(rs.getTimestamp(1).toInstant());
          long to = micros(rs.getTimestamp(2).toInstant());
          intervals.add(new long[] {from, to});
          attempts += rs.getInt(3);
          firstStart = Math.min(firstStart, from);
        }
      }
    }
    List<long[]> edges = new ArrayList<>();
    for (long[] i : intervals) {
      edges.add(new long[] {i[0], 1});
      edges.add(new long[] {i[1], -1});
    }
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int running = 0;
    int peak = 0;
    for (long[] e : edges) {
      running += (int) e[1];
      peak = Math.max(peak, running);
    }
    double firstClaim = (firstStart - micros(created)) / 1e6;
    return new Run(scenario, limit, wall, server, firstClaim, intervals.size(), peak, attempts);
  }

  private static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
  }

  private static String report(
      Instant started,
      String revision,
      int runs,
      int baselineRuns,
      String postgres,
      List<String> jvm,
      List<Run> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Forecast seeds' case on the full stack: wall time\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- Revision at the start: ").append(revision).append('\n');
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append("- Command: `").append(COMMAND).append("`\n");
    md.append("- Simulation: `")
        .append(EXAMPLE)
        .append("`: 83 forecast days × 5 agents, each call 2.5 s (`latencyMs`), one day per")
        .append(" chunk (`unitsPerChunk` 1) → 83 chunks of ~2.5 s (a day's agents run at once)\n");
    md.append("- Processes: embedded PostgreSQL, Cloud Tasks emulator, api, **1 worker**; JVMs: `")
        .append(String.join(" ", jvm))
        .append("`\n");
    md.append(
        "- Queue: 500 dispatches/s (Cloud Tasks' maximum), max concurrent dispatches = the"
            + " worker's limit, `max_attempts` -1\n");
    md.append("- Runs: ")
        .append(runs)
        .append(" measured (after 1 warm-up) at limit ")
        .append(PARALLEL_LIMIT)
        .append("; ")
        .append(baselineRuns)
        .append(" baseline at limit 1\n\n");
    md.append(
        "Wall = from sending the POST to the simulation row reading SUCCEEDED (polled every 10"
            + " ms); server = `finished_at − created_at`; peak = most chunks RUNNING at one"
            + " moment, from the chunks' `started_at`/`finished_at`.\n\n");
    md.append(
        "| scenario | worker processes | concurrent chunks per worker (limit) | runs | wall"
            + " median (s) | wall min–max (s) | server median (s) | first claim median (s) |"
            + " peak at once | claims / chunks |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (String scenario : List.of("parallel", "baseline")) {
      List<Run> rs = results.stream().filter(r -> r.scenario().equals(scenario)).toList();
      if (rs.isEmpty()) {
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | 1 | %d | %d | **%.2f** | %.2f–%.2f | %.2f | %.2f | %d | %d / %d |%n",
              scenario.equals("parallel") ? "parallel" : "baseline (one at a time)",
              rs.getFirst().limit(),
              rs.size(),
              Stats.median(rs, Run::wallSeconds),
              Stats.min(rs, Run::wallSeconds),
              Stats.max(rs, Run::wallSeconds),
              Stats.median(rs, Run::serverSeconds),
              Stats.median(rs, Run::firstStartSeconds),
              (int) Stats.max(rs, Run::peak),
              (int) Stats.max(rs, Run::attempts),
              rs.getFirst().chunks()));
    }
    md.append("\nEvery run:\n\n| scenario | wall (s) | server (s) | peak | claims |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    for (Run r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.2f | %d | %d |%n",
              r.scenario(),
              r.wallSeconds(),
              r.serverSeconds(),
              r.peak(),
              r.attempts()));
    }
    md.append(
        "\nIn memory (`InMemoryRun`, days one after another, no pipeline) the same simulation"
            + " took 207.7 s on this machine (docs/forecast-backtest.md).\n");
    return md.toString();
  }
}
