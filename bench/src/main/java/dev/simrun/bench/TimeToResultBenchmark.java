package dev.simrun.bench;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.FieldMask;
import dev.simrun.shared.simulations.SimulationStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user waits for, on the local stack with its defaults (the slots and queue sizes {@code
 * ./simrun up} gives on this machine, no tuning), beside the ideal measured in the same run.
 *
 * <p>Cases: the README's demo; the 83-day × 5-agent forecast without a chunking hint; 10 backtests
 * submitted at once; 100 users submitting one backtest each at once, 90 interactive and 10 batch.
 * Each case's <b>ideal</b> is the chunks' own busy time (their {@code finished_at − started_at})
 * divided by the slots that serve them, or the longest chunk when that is longer (a chunk cannot be
 * split further), plus one chunk's push-and-commit latency: the median wall time of a one-unit
 * simulation of no real work, measured in the same run. Run as {@code ./simrun bench time-to-result
 * [--runs=R]}.
 */
public final class TimeToResultBenchmark {
  static final String OWNER = "bench";
  static final String PROJECT = "simrun-bench";
  static final String LOCATION = "local";
  static final String QUEUES = "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/";
  static final List<String> CPU_QUEUES =
      List.of(QUEUES + "simulations-interactive", QUEUES + "simulations-batch");
  static final List<String> IO_QUEUES =
      List.of(QUEUES + "simulations-interactive-io", QUEUES + "simulations-batch-io");
  static final String FINALIZE_QUEUE = QUEUES + "simulations-finalize";
  static final int RUNS = 3;
  static final Duration CASE_TIMEOUT = Duration.ofMinutes(10);
  static final String COMMAND = "./simrun bench time-to-result [--runs=R]";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A one-unit backtest of 1,000 bars: what the platform adds to a chunk, nearly alone. */
  static final String TINY =
      """
      {"kind": "strategy-backtest", "params": {
        "data": {"synthetic": {"symbols": ["T"], "bars": 1000, "seed": 1}},
        "strategy": "sma-crossover", "grid": {"fast": [5], "slow": [50]}}}
      """;

  /** 3 symbols × 200,000 bars × 12 grid points, as in issue #11's measurements. */
  static String backtest(String priority, int seed) {
    return """
        {"kind": "strategy-backtest", "priority": "%s", "params": {
          "data": {"synthetic": {"symbols": ["A", "B", "C"], "bars": 200000, "seed": %d}},
          "strategy": "sma-crossover",
          "grid": {"fast": [5, 10, 20], "slow": [50, 100, 150, 200]},
          "costs": {"commissionBps": 1.0, "slippageBps": 0.5}}}
        """
        .formatted(priority, seed);
  }

  /** One simulation submitted in a case. */
  record Submitted(UUID id, String priority, long postNanos) {}

  /**
   * One run of a case.
   *
   * @param wall seconds from the first POST to the last simulation seen SUCCEEDED
   * @param busy the chunks' summed busy seconds
   * @param longest the longest chunk, seconds
   * @param slots the slots that serve the case's chunks
   * @param perSimulation seconds from each simulation's POST until it was seen SUCCEEDED
   * @param refused pushes the worker refused (429) during the case
   */
  record Run(
      String name,
      double wall,
      double busy,
      double longest,
      int slots,
      int chunks,
      int simulations,
      Map<String, List<Double>> perSimulation,
      long refused) {

    double ideal(double latency) {
      return Math.max(busy / slots, longest) + latency;
    }
  }

  private TimeToResultBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = RUNS;
    for (String a : args) {
      if (a.startsWith("--runs=")) {
        runs = Integer.parseInt(a.substring("--runs=".length()));
      } else {
        throw new IllegalArgumentException("unknown option " + a + "; usage: " + COMMAND);
      }
    }
    Instant started = Instant.now();
    String revision = Machine.revision();
    Path runDir = Stats.runDir("time-to-result", started);
    int cores = Runtime.getRuntime().availableProcessors();
    int cpuSlots = Math.max(2, cores); // ./simrun up's default, as the worker's own
    int ioSlots = 128;
    List<String> jvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    List<String> emulatorJvm = List.of("--enable-native-access=ALL-UNNAMED", "-Xmx512m");
    String demo = Files.readString(Path.of("examples/strategy-backtest.json"));
    String forecast =
        Files.readString(Path.of("examples/forecast-83-days-5-agents.json"))
            .replaceAll(",\\s*\"chunking\"\\s*:\\s*\\{[^}]*\\}", "");
    List<Run> results = new ArrayList<>();
    List<Double> latencies = new ArrayList<>();
    Run cold;
    String postgres;
    System.out.printf(
        Locale.ROOT,
        "Time-to-result benchmark: %d runs per case, %d CPU + %d I/O slots; logs in %s%n",
        runs,
        cpuSlots,
        ioSlots,
        runDir);
    List<String> queueArgs = new ArrayList<>();
    for (String q : CPU_QUEUES) {
      queueArgs.addAll(List.of("--queue", q));
    }
    for (String q : IO_QUEUES) {
      queueArgs.addAll(List.of("--queue", q));
    }
    queueArgs.addAll(List.of("--queue", FINALIZE_QUEUE));
    try (BenchPostgres pg = BenchPostgres.start();
        ServiceProcess emulator =
            ServiceProcess.startEmulator(
                ServiceProcess.freePort(), queueArgs, emulatorJvm, runDir);
        CloudTasksClient tasks = PipelineThroughputBenchmark.grpcClient(emulator.endpoint())) {
      postgres = pg.describe();
      CPU_QUEUES.forEach(q -> configureQueue(tasks, q, 2 * cpuSlots));
      IO_QUEUES.forEach(q -> configureQueue(tasks, q, 2 * ioSlots));
      configureQueue(tasks, FINALIZE_QUEUE, 2 * cpuSlots);
      String db = pg.createDatabase("simrun_ttr");
      int workerPort = ServiceProcess.freePort();
      String workerUrl = "http://127.0.0.1:" + workerPort;
      Map<String, String> env =
          ServiceProcess.serviceEnv(db, PROJECT, LOCATION, emulator.endpoint());
      env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
      env.put("SIMRUN_AUTH_ISSUER", emulator.url());
      env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
      env.put("SIMRUN_PLANNING_CPU_SLOTS", Integer.toString(cpuSlots));
      env.put("SIMRUN_PLANNING_IO_SLOTS", Integer.toString(ioSlots));
      List<String> apiJvm = new ArrayList<>(jvm);
      apiJvm.add("-Xmx512m");
      List<String> workerJvm = new ArrayList<>(jvm);
      workerJvm.add("-Xmx1g");
      try (ServiceProcess api =
              ServiceProcess.start(
                  "api",
                  ServiceProcess.freePort(),
                  "dev.simrun.api.Application",
                  "worker",
                  env,
                  apiJvm,
                  runDir);
          ServiceProcess worker =
              ServiceProcess.start(
                  "worker",
                  workerPort,
                  "dev.simrun.worker.Application",
                  "api",
                  env,
                  workerJvm,
                  runDir);
          Connection c = BenchPostgres.connect(db)) {
        Case cases = new Case(api, emulator, c, cpuSlots, ioSlots);
        // What `./simrun demo` gets: the demo first, on a worker that has run nothing yet.
        cold = cases.run("demo (first run after start)", List.of(Map.entry(demo, "demo")));
        System.out.println(line(cold, Double.NaN));
        for (int i = 0; i < runs; i++) {
          Run tiny = cases.run("one-unit latency", List.of(Map.entry(TINY, "tiny")));
          latencies.add(tiny.wall());
          results.add(cases.run("demo", List.of(Map.entry(demo, "demo"))));
          results.add(cases.run("forecast 83 × 5, no hint", List.of(Map.entry(forecast, "io"))));
          List<Map.Entry<String, String>> ten = new ArrayList<>();
          for (int s = 0; s < 10; s++) {
            ten.add(Map.entry(backtest("interactive", 100 * i + s), "interactive"));
          }
          results.add(cases.run("10 backtests at once", ten));
          List<Map.Entry<String, String>> hundred = new ArrayList<>();
          for (int s = 0; s < 100; s++) {
            String priority = s % 10 == 9 ? "batch" : "interactive";
            hundred.add(Map.entry(backtest(priority, 1000 + 100 * i + s), priority));
          }
          results.add(cases.run("100 users, 90 interactive + 10 batch", hundred));
          double latency = tiny.wall();
          for (Run r : results.subList(results.size() - 4, results.size())) {
            System.out.println(line(r, latency));
          }
        }
        if (!api.alive() || !worker.alive()) {
          throw new IllegalStateException("a service exited; logs in " + runDir);
        }
      }
    }
    String report =
        report(started, revision, runs, postgres, cpuSlots, ioSlots, cold, results, latencies);
    System.out.println();
    System.out.println(report);
    if (runs >= RUNS) {
      Path out = Stats.resultsDir().resolve("time-to-result.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    } else {
      System.out.println("Shortened run: results not written");
    }
    System.exit(0);
  }

  /** As {@code ./simrun up} configures a queue: twice its slots at once, retries without limit. */
  private static void configureQueue(CloudTasksClient tasks, String queue, int concurrent) {
    tasks.updateQueue(
        Queue.newBuilder()
            .setName(queue)
            .setRateLimits(RateLimits.newBuilder().setMaxConcurrentDispatches(concurrent))
            .setRetryConfig(RetryConfig.newBuilder().setMaxAttempts(-1))
            .build(),
        FieldMask.newBuilder()
            .addPaths("rate_limits.max_concurrent_dispatches")
            .addPaths("retry_config.max_attempts")
            .build());
  }

  /** Submits a case's simulations at once and waits for all of them. */
  private record Case(
      ServiceProcess api, ServiceProcess emulator, Connection db, int cpuSlots, int ioSlots) {

    Run run(String name, List<Map.Entry<String, String>> bodies) throws Exception {
      long refusedBefore = refused();
      List<Submitted> submitted = new ArrayList<>();
      long t0 = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Submitted>> posts = new ArrayList<>();
        for (Map.Entry<String, String> b : bodies) {
          posts.add(pool.submit(() -> post(b.getKey(), b.getValue())));
        }
        for (Future<Submitted> f : posts) {
          submitted.add(f.get());
        }
      }
      Map<UUID, Long> done = awaitSucceeded(submitted, t0);
      long last = done.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      Map<String, List<Double>> per = new LinkedHashMap<>();
      for (Submitted s : submitted) {
        per.computeIfAbsent(s.priority(), k -> new ArrayList<>())
            .add((done.get(s.id()) - s.postNanos()) / 1e9);
      }
      double busy = 0;
      double longest = 0;
      int chunks = 0;
      boolean io = false;
      try (PreparedStatement ps =
          db.prepareStatement(
              """
              SELECT extract(epoch FROM c.finished_at - c.started_at), s.kind
              FROM chunks c JOIN simulations s ON s.id = c.simulation_id
              WHERE c.simulation_id = ANY(?)
              """)) {
        ps.setArray(1, db.createArrayOf("uuid", submitted.stream().map(Submitted::id).toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            double seconds = rs.getDouble(1);
            busy += seconds;
            longest = Math.max(longest, seconds);
            chunks++;
            io = rs.getString(2).equals("forecast-backtest");
          }
        }
      }
      long first = submitted.stream().mapToLong(Submitted::postNanos).min().orElseThrow();
      return new Run(
          name,
          (last - first) / 1e9,
          busy,
          longest,
          io ? ioSlots : cpuSlots,
          chunks,
          submitted.size(),
          per,
          refused() - refusedBefore);
    }

    private Submitted post(String body, String priority) throws Exception {
      long start = System.nanoTime();
      return new Submitted(api.submit(OWNER, body), priority, start);
    }

    /** Polls every 5 ms; the time each simulation was first seen SUCCEEDED. */
    private Map<UUID, Long> awaitSucceeded(List<Submitted> submitted, long t0) throws SQLException {
      Map<UUID, Long> done = new HashMap<>();
      long deadline = t0 + CASE_TIMEOUT.toNanos();
      try (PreparedStatement ps =
          db.prepareStatement("SELECT id, status FROM simulations WHERE id = ANY(?)")) {
        ps.setArray(1, db.createArrayOf("uuid", submitted.stream().map(Submitted::id).toArray()));
        while (done.size() < submitted.size()) {
          try (ResultSet rs = ps.executeQuery()) {
            long now = System.nanoTime();
            while (rs.next()) {
              SimulationStatus status = SimulationStatus.valueOf(rs.getString(2));
              UUID id = rs.getObject(1, UUID.class);
              if (status == SimulationStatus.SUCCEEDED) {
                done.putIfAbsent(id, now);
              } else if (!status.runsChunks()) {
                throw new IllegalStateException("simulation " + id + " is " + status);
              }
            }
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not done within " + CASE_TIMEOUT);
          }
          LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
      }
      return done;
    }

    /** Pushes answered 429 so far, over every queue (the emulator's stats). */
    private long refused() throws Exception {
      String stats =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(emulator.url() + "/emulator/v1/stats")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      // The first "failures" is the emulator's total; the queues' own follow.
      Matcher m = Pattern.compile("\"failures\"\\s*:\\s*(\\d+)").matcher(stats);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }

  private static double p95(List<Double> values) {
    return Stats.percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 95);
  }

  private static String line(Run r, double latency) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  %-40s wall %6.2f s, ideal %6.2f s (%.2f×), %d chunks, busy %.2f s on %d slots,"
                    + " failed pushes %d",
                r.name(),
                r.wall(),
                r.ideal(Double.isNaN(latency) ? 0 : latency),
                r.wall() / r.ideal(Double.isNaN(latency) ? 0 : latency),
                r.chunks(),
                r.busy(),
                r.slots(),
                r.refused()));
    if (r.perSimulation().size() > 1) {
      r.perSimulation()
          .forEach((p, v) -> s.append(String.format(Locale.ROOT, ", %s p95 %.2f s", p, p95(v))));
    }
    return s.toString();
  }

  private static String report(
      Instant started,
      String revision,
      int runs,
      String postgres,
      int cpuSlots,
      int ioSlots,
      Run cold,
      List<Run> results,
      List<Double> latencies) {
    double latency = Stats.median(latencies, Double::doubleValue);
    StringBuilder md = new StringBuilder();
    md.append("# Time to result on the local stack, beside the ideal\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    for (String l : Machine.describe()) {
      md.append(l).append('\n');
    }
    md.append("- Revision at the start: ").append(revision).append('\n');
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append("- Command: `").append(COMMAND).append("`\n");
    md.append(
        String.format(
            Locale.ROOT,
            "- Stack: embedded PostgreSQL, Cloud Tasks emulator, api, 1 worker, as `./simrun up`"
                + " configures them on this machine: %d CPU slots, %d I/O slots, each queue's"
                + " max concurrent dispatches = twice the slots of its class, no Pub/Sub (events"
                + " from the log)%n",
            cpuSlots,
            ioSlots));
    md.append("- Runs: ").append(runs).append(" per case, after the first demo run\n\n");
    md.append(
        "**Ideal** = max(the chunks' summed busy time ÷ the slots that serve them, the longest"
            + " chunk) + one chunk's push-and-commit latency, all measured in the same run. The"
            + " latency is the wall time of a one-unit backtest of 1,000 bars, submitted alone:"
            + String.format(Locale.ROOT, " median **%.3f s**", latency)
            + String.format(
                Locale.ROOT,
                " (%.3f–%.3f s).",
                Stats.min(latencies, Double::doubleValue),
                Stats.max(latencies, Double::doubleValue))
            + " Wall = from the first POST to the last simulation seen SUCCEEDED (polled every"
            + " 5 ms). Failed pushes = attempts the emulator counted as failed (429s included)."
            + " Goal: wall ≤ 1.3 × ideal; interactive p95 ≤ batch p95.\n\n");
    md.append(
        "| case | chunks | wall median (s) | wall min–max (s) | ideal median (s) | wall ÷ ideal"
            + " median | failed pushes | p95 by priority (s) |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.2f | – | %.2f | %.2f | %d | |%n",
            cold.name(),
            cold.chunks(),
            cold.wall(),
            cold.ideal(latency),
            cold.wall() / cold.ideal(latency),
            cold.refused()));
    List<String> names = results.stream().map(Run::name).distinct().toList();
    for (String name : names) {
      List<Run> rs = results.stream().filter(r -> r.name().equals(name)).toList();
      StringBuilder p95s = new StringBuilder();
      Map<String, List<Double>> medians = new LinkedHashMap<>();
      for (Run r : rs) {
        if (r.perSimulation().size() > 1) {
          r.perSimulation()
              .forEach((p, v) -> medians.computeIfAbsent(p, k -> new ArrayList<>()).add(p95(v)));
        }
      }
      medians.forEach(
          (p, v) ->
              p95s.append(
                  String.format(
                      Locale.ROOT,
                      "%s%s %.2f",
                      p95s.isEmpty() ? "" : ", ",
                      p,
                      Stats.median(v, Double::doubleValue))));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | **%.2f** | %.2f–%.2f | %.2f | **%.2f** | %d | %s |%n",
              name,
              rs.getFirst().chunks(),
              Stats.median(rs, Run::wall),
              Stats.min(rs, Run::wall),
              Stats.max(rs, Run::wall),
              Stats.median(rs, r -> r.ideal(latency)),
              Stats.median(rs, r -> r.wall() / r.ideal(latency)),
              rs.stream().mapToLong(Run::refused).sum(),
              p95s));
    }
    return md.toString();
  }
}
