package dev.simrun.bench;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * What metrics and tracing cost: four complete SimRun stacks in one run, "off", "on" (production's
 * settings), "all" (every trace kept) and "control" (a second "off", the run's resolution), whose
 * environments differ only by {@link #OBSERVABILITY_OFF}, {@link #OBSERVABILITY_ON}, {@link
 * #OBSERVABILITY_ALL} and {@link #OBSERVABILITY_CONTROL}, measured in interleaved rounds on the two
 * figures the other benchmarks record, plus the CPU time per task:
 *
 * <ul>
 *   <li><b>throughput</b>: {@code noop} simulations of N chunks in all through the whole path,
 *       measured as {@link PipelineThroughputBenchmark} measures it (its {@link
 *       PipelineThroughputBenchmark.SimRun}), first start → last commit and trigger → last commit,
 *       and the CPU time the stack's two processes used meanwhile, per task;
 *   <li><b>submit latency</b>: {@code POST /api/v1/simulations} of a 100-chunk {@code noop}
 *       simulation at a fixed rate, open loop ({@link SubmitLatencyBenchmark.Load}), p50, p90 and
 *       p99.
 * </ul>
 *
 * <p>One embedded PostgreSQL and one Cloud Tasks emulator (in this JVM) serve every stack; each
 * stack has a database of its own and its queues in a project of its own, so no outbox pump or
 * queue ever sees another's work. Each stack is an api and a worker process, each on its own
 * runtime classpath as its image has it. So that "on" and "all" pay what production pays, this JVM
 * runs an OTLP/HTTP receiver the services export traces to ({@link OtlpSink}) and, while either is
 * measured, scrapes both its services' Prometheus endpoint as often as production does ({@link
 * Scraper}), and afterwards measures what one page costs each service. Run from the repository
 * root; results go to {@code bench/results/observability-cost.md} on a full run only.
 */
public final class ObservabilityCostBenchmark {

  // ------------------------------------------------------------------ the switches under test

  /** Stands for this benchmark's OTLP/HTTP receiver in the maps below; filled in at start. */
  static final String SINK = "{otlp-sink}";

  /*
   * The ONLY difference between the stacks' environments: the switches of docs/metrics.md
   * (SIMRUN_METRICS_ENABLED) and decision 0036 (SIMRUN_TRACING_*). "On" is production's setup as
   * far as one machine allows (infra/cloud_run.tf): every meter registered and scraped, and 0.1 of
   * new traces sampled (Terraform's tracing_sampler_ratio) and exported over OTLP. "All" differs
   * from "on" only in keeping every trace (ratio 1.0): the worst case, for anyone who raises the
   * ratio. The receiver here speaks OTLP/HTTP, so the standard OTEL_* variables switch the exporter
   * from gRPC (production's protocol to the collector sidecar) to http/protobuf. Each stack's
   * exporter points at its own path of the receiver, so the report shows what each one sent: "off"
   * sends nothing.
   */

  /** Metrics and tracing off. */
  static final Map<String, String> OBSERVABILITY_OFF =
      orderedMap(
          "SIMRUN_METRICS_ENABLED", "false",
          "SIMRUN_TRACING_ENABLED", "false",
          "SIMRUN_TRACING_SAMPLER_RATIO", "0.1",
          "SIMRUN_TRACING_EXPORTER", "none",
          "OTEL_EXPORTER_OTLP_ENDPOINT", SINK + "/off",
          "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

  /** Metrics and tracing on as production has them: 0.1 of new traces kept and exported. */
  static final Map<String, String> OBSERVABILITY_ON =
      orderedMap(
          "SIMRUN_METRICS_ENABLED", "true",
          "SIMRUN_TRACING_ENABLED", "true",
          "SIMRUN_TRACING_SAMPLER_RATIO", "0.1",
          "SIMRUN_TRACING_EXPORTER", "otlp",
          "OTEL_EXPORTER_OTLP_ENDPOINT", SINK + "/on",
          "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

  /** As {@link #OBSERVABILITY_ON}, every trace kept and exported. */
  static final Map<String, String> OBSERVABILITY_ALL =
      orderedMap(
          "SIMRUN_METRICS_ENABLED", "true",
          "SIMRUN_TRACING_ENABLED", "true",
          "SIMRUN_TRACING_SAMPLER_RATIO", "1.0",
          "SIMRUN_TRACING_EXPORTER", "otlp",
          "OTEL_EXPORTER_OTLP_ENDPOINT", SINK + "/all",
          "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

  /**
   * "Off" again, under another name: what the benchmark measures between two identical stacks, in
   * the same run. Its cost is the run's resolution: a cost of "on" no larger than the control's is
   * not told apart from zero (decision 0040).
   */
  static final Map<String, String> OBSERVABILITY_CONTROL =
      orderedMap(
          "SIMRUN_METRICS_ENABLED", "false",
          "SIMRUN_TRACING_ENABLED", "false",
          "SIMRUN_TRACING_SAMPLER_RATIO", "0.1",
          "SIMRUN_TRACING_EXPORTER", "none",
          "OTEL_EXPORTER_OTLP_ENDPOINT", SINK + "/control",
          "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

  /**
   * The stacks by label, in the order they start; "off" is the baseline the others are costed on.
   */
  static final Map<String, Map<String, String>> STACKS = stacks();

  static final List<String> LABELS = List.copyOf(STACKS.keySet());

  /** The stack whose cost the goal is judged on: production's settings. */
  static final String GOAL_STACK = "on";

  /** Where each service of the "on" and "all" stacks is scraped, under its management URL. */
  static final String METRICS_PATH = "/prometheus";

  /**
   * The variable that gives a service's metrics ({@link #METRICS_PATH}) a management port of their
   * own (docs/metrics.md); health stays on the service's port. Every service of both stacks gets a
   * free port in it, and scrapes go there.
   */
  static final String METRICS_PORT_VARIABLE = "SIMRUN_METRICS_PORT";

  // ------------------------------------------------------------------ the run

  static final int DEFAULT_TASKS = PipelineThroughputBenchmark.DEFAULT_TASKS;

  /**
   * Warm-up rounds before the measured ones: the JIT compiler is still busy for about four rounds
   * (its time shows in CPU per task, more on a stack with more code on its path), so five.
   */
  static final int WARMUPS = 5;

  /** A warm-up round's submit load runs at most this long: it only warms the submit path. */
  static final int WARMUP_SECONDS = 10;

  static final int RUNS = 8;

  /**
   * A round's submit load runs in slices of this length, the stacks taking turns slice by slice.
   * Measured as one 30-s run per stack, a round's p50 fell into one of two modes about 3 ms apart
   * for reasons outside the stacks (the same stack moved between them from round to round), so the
   * median over 8 rounds mostly showed which stack had been lucky; short turns spread those swings
   * over every stack alike.
   */
  static final int SLICE_SECONDS = 5;

  static final int DEFAULT_CHUNKS = 100;

  /**
   * Throughput's N tasks come as this many simulations (N / this chunks each): sampling is decided
   * once per simulation (its submit's trace), so at a ratio of 0.1 a round of one simulation would
   * trace everything or nothing.
   */
  static final int DEFAULT_SIMULATIONS = 200;

  static final int DEFAULT_RATE = 20;
  static final int DEFAULT_SECONDS = 30;
  static final double GOAL_PERCENT = 5.0;

  /**
   * Production's scrape interval: the default of Terraform's {@code
   * metrics_scrape_interval_seconds}, read from {@code infra/variables.tf}, so this benchmark
   * scrapes as often as the collector sidecar does unless {@code --scrape-seconds} says otherwise.
   */
  static final int PRODUCTION_SCRAPE_SECONDS =
      terraformNumberDefault(Path.of("infra", "variables.tf"), "metrics_scrape_interval_seconds");

  /**
   * Pages fetched back to back per service to measure what one page costs, after as many more to
   * let the JIT compiler settle on the scrape path (the rounds scrape it only once an interval).
   */
  static final int PAGES_MEASURED = 300;

  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

  static final String PROJECT_PREFIX = "simrun-bench-";

  static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.ObservabilityCostBenchmark [--tasks N] [--runs R] [--warmups W]"
          + " [--rate P] [--seconds S] [--chunks C] [--simulations M] [--scrape-seconds I]";

  private static final java.util.logging.Logger GRPC_JUL =
      java.util.logging.Logger.getLogger("io.grpc");

  private ObservabilityCostBenchmark() {}

  /** What the command line chose. */
  record Settings(
      int tasks,
      int runs,
      int warmups,
      int rate,
      int seconds,
      int chunks,
      int simulations,
      int concurrency,
      int workerPool,
      int scrapeSeconds) {
    static Settings parse(String[] args) {
      Map<String, Integer> v = new LinkedHashMap<>();
      v.put("tasks", DEFAULT_TASKS);
      v.put("runs", RUNS);
      v.put("warmups", WARMUPS);
      v.put("rate", DEFAULT_RATE);
      v.put("seconds", DEFAULT_SECONDS);
      v.put("chunks", DEFAULT_CHUNKS);
      v.put("simulations", DEFAULT_SIMULATIONS);
      v.put("concurrency", PipelineThroughputBenchmark.DEFAULT_CONCURRENCY);
      v.put("worker-pool", PipelineThroughputBenchmark.DEFAULT_WORKER_POOL);
      v.put("scrape-seconds", PRODUCTION_SCRAPE_SECONDS);
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String key;
        String value;
        if (a.startsWith("--") && a.contains("=")) {
          key = a.substring(2, a.indexOf('='));
          value = a.substring(a.indexOf('=') + 1);
        } else if (a.startsWith("--") && i + 1 < args.length) {
          key = a.substring(2);
          value = args[++i];
        } else {
          throw new IllegalArgumentException("unknown argument " + a + "; usage: " + COMMAND);
        }
        if (!v.containsKey(key)) {
          throw new IllegalArgumentException("unknown option --" + key + "; usage: " + COMMAND);
        }
        v.put(key, Integer.parseInt(value.replace("_", "")));
      }
      Settings s =
          new Settings(
              v.get("tasks"),
              v.get("runs"),
              v.get("warmups"),
              v.get("rate"),
              v.get("seconds"),
              v.get("chunks"),
              v.get("simulations"),
              v.get("concurrency"),
              v.get("worker-pool"),
              v.get("scrape-seconds"));
      if (s.tasks() < 1
          || s.runs() < 1
          || s.warmups() < 0
          || s.rate() < 1
          || s.seconds() < 1
          || s.chunks() < 1
          || s.concurrency() < 1
          || s.workerPool() < 1
          || s.scrapeSeconds() < 1) {
        throw new IllegalArgumentException("every option must be positive (--warmups may be 0)");
      }
      if (s.simulations() < 1 || s.tasks() % s.simulations() != 0) {
        throw new IllegalArgumentException(
            "--tasks (" + s.tasks() + ") must be a multiple of --simulations");
      }
      return s;
    }

    /** The run the results file records: every setting at its default. */
    boolean full() {
      return tasks == DEFAULT_TASKS
          && runs == RUNS
          && warmups == WARMUPS
          && rate == DEFAULT_RATE
          && seconds == DEFAULT_SECONDS
          && chunks == DEFAULT_CHUNKS
          && simulations == DEFAULT_SIMULATIONS
          && concurrency == PipelineThroughputBenchmark.DEFAULT_CONCURRENCY
          && workerPool == PipelineThroughputBenchmark.DEFAULT_WORKER_POOL
          && scrapeSeconds == PRODUCTION_SCRAPE_SECONDS;
    }
  }

  /**
   * One stack: its api and worker, their database, and the pipeline benchmark's SimRun side bound
   * to its queue.
   */
  record Stack(
      String label,
      boolean scraped,
      Map<String, String> observability,
      String database,
      String queue,
      ServiceProcess api,
      int apiMetricsPort,
      ServiceProcess worker,
      int workerMetricsPort,
      PipelineThroughputBenchmark.SimRun pipeline) {
    /** What the stack's two processes have used so far. */
    Usage usage() {
      return new Usage(
          cpuNanos(api), cpuNanos(worker), compilerThreads(api), compilerThreads(worker));
    }

    /**
     * CPU time (user + system, ns) of each of the service's JIT compiler threads, by thread id,
     * from Linux's per-thread counters ({@code /proc/<pid>/task/<tid>/stat}, in clock ticks).
     */
    private static Map<Long, Long> compilerThreads(ServiceProcess service) {
      Map<Long, Long> threads = new HashMap<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(service.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          try {
            String name = Files.readString(task.resolve("comm")).trim();
            if (!COMPILER_THREAD.matcher(name).matches()) {
              continue;
            }
            String stat = Files.readString(task.resolve("stat"));
            // After the name's closing parenthesis: state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            threads.put(
                Long.parseLong(task.getFileName().toString()),
                ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS);
          } catch (java.nio.file.NoSuchFileException gone) {
            // The thread ended between the listing and the read.
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the threads of " + service, e);
      }
      return threads;
    }

    private static long cpuNanos(ServiceProcess service) {
      return ProcessHandle.of(service.pid())
          .flatMap(p -> p.info().totalCpuDuration())
          .orElseThrow(() -> new IllegalStateException(service + " reports no CPU time"))
          .toNanos();
    }

    /** Each service's metrics URL, by service name. */
    Map<String, URI> metricsTargets() {
      Map<String, URI> targets = new LinkedHashMap<>();
      targets.put(label + " api", URI.create("http://127.0.0.1:" + apiMetricsPort + METRICS_PATH));
      targets.put(
          label + " worker", URI.create("http://127.0.0.1:" + workerMetricsPort + METRICS_PATH));
      return targets;
    }
  }

  /** HotSpot's JIT compiler threads, as Linux names them (15 characters at most). */
  static final java.util.regex.Pattern COMPILER_THREAD =
      java.util.regex.Pattern.compile("C[12] CompilerThre.*");

  /** Linux's clock ticks per second, the unit of its per-thread CPU counters. */
  static final long CLOCK_TICKS = 100;

  /**
   * CPU time (user + system, ns) a stack's api and worker processes have used so far, and that of
   * each of their JIT compiler threads, by thread id.
   */
  record Usage(
      long apiCpuNanos,
      long workerCpuNanos,
      Map<Long, Long> apiCompilers,
      Map<Long, Long> workerCompilers) {}

  /**
   * One slice of submit load on one stack: its POSTs, then how its outbox drained, and the CPU per
   * POST its processes used from the first POST until the outbox was empty.
   */
  record Slice(SubmitLatencyBenchmark.Run run, long backlog, double drainSeconds, Cpu cpu) {}

  /**
   * One stack's submit latency in one round, over the POSTs of all its slices: ms from each POST's
   * intended send to its response.
   */
  record Latency(
      double p50,
      double p90,
      double p99,
      double max,
      int requests,
      int errors,
      double generatorLagMillis,
      long backlog,
      double drainSeconds) {
    static Latency pooled(List<Slice> slices) {
      double[] post =
          slices.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.run().post())).toArray();
      return new Latency(
          Stats.percentile(post, 50),
          Stats.percentile(post, 90),
          Stats.percentile(post, 99),
          Stats.percentile(post, 100),
          post.length,
          slices.stream().mapToInt(s -> s.run().postErrors()).sum(),
          slices.stream().mapToDouble(s -> s.run().pacerLagMillis()).max().orElse(0),
          slices.stream().mapToLong(Slice::backlog).max().orElse(0),
          slices.stream().mapToDouble(Slice::drainSeconds).max().orElse(0));
    }
  }

  /**
   * The CPU time (user + system) the stack's api and worker processes used over one throughput run,
   * per task in microseconds: unlike a rate it does not depend on what else the 2 cores were doing,
   * so it shows the same cost with much less noise. Split into what their JIT compiler threads used
   * and the rest: the compiler is still busy in the measured rounds, more in a stack with more code
   * on its path, and that is a cost of a process's first minutes, not of each task (decision 0038).
   */
  record Cpu(double apiMicros, double workerMicros, double apiJitMicros, double workerJitMicros) {
    double totalMicros() {
      return apiMicros + workerMicros;
    }

    double jitMicros() {
      return apiJitMicros + workerJitMicros;
    }

    double apiOutsideJitMicros() {
      return apiMicros - apiJitMicros;
    }

    double workerOutsideJitMicros() {
      return workerMicros - workerJitMicros;
    }

    double outsideJitMicros() {
      return totalMicros() - jitMicros();
    }

    /** A round's CPU per POST over its slices: each slice weighted by its POSTs. */
    static Cpu perPost(List<Slice> slices) {
      double posts = slices.stream().mapToDouble(s -> s.run().post().length).sum();
      ToDoubleFunction<ToDoubleFunction<Cpu>> pooled =
          micros ->
              slices.stream()
                      .mapToDouble(s -> micros.applyAsDouble(s.cpu()) * s.run().post().length)
                      .sum()
                  / posts;
      return new Cpu(
          pooled.applyAsDouble(Cpu::apiMicros),
          pooled.applyAsDouble(Cpu::workerMicros),
          pooled.applyAsDouble(Cpu::apiJitMicros),
          pooled.applyAsDouble(Cpu::workerJitMicros));
    }

    static Cpu perTask(Usage before, Usage after, int tasks) {
      return new Cpu(
          (after.apiCpuNanos() - before.apiCpuNanos()) / 1000.0 / tasks,
          (after.workerCpuNanos() - before.workerCpuNanos()) / 1000.0 / tasks,
          grown(before.apiCompilers(), after.apiCompilers()) / 1000.0 / tasks,
          grown(before.workerCompilers(), after.workerCompilers()) / 1000.0 / tasks);
    }

    /**
     * What the threads of {@code after} used since {@code before}. A compiler thread HotSpot
     * stopped in between takes its time with it, so the compiler's share can only come out too
     * small.
     */
    private static long grown(Map<Long, Long> before, Map<Long, Long> after) {
      long sum = 0;
      for (var thread : after.entrySet()) {
        sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
      }
      return sum;
    }
  }

  /** What one stack measured over the measured rounds. */
  static final class Results {
    final List<PipelineThroughputBenchmark.Run> throughput = new ArrayList<>();
    final List<Cpu> cpu = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();
    final List<Cpu> submitCpu = new ArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    // bench's logback.xml, as the pipeline benchmark explains.
    System.setProperty("logback.configurationFile", "logback.xml");
    GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    Settings settings = Settings.parse(args);
    Instant started = Instant.now();
    String revision = Machine.revision();
    Path runDir = Stats.runDir("observability", started);
    Map<String, Results> results = new LinkedHashMap<>();
    List<String> loads = new ArrayList<>();
    List<String> apiJvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    apiJvm.add("-Xmx512m");
    List<String> workerJvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    workerJvm.add("-Xmx1g");
    String postgres;
    Map<String, Map<String, String>> envs = new LinkedHashMap<>();
    Map<String, Scraper.Tally> scrapes;
    List<PageCost> pageCosts = new ArrayList<>();
    Map<String, OtlpSink.Tally> exports;
    System.out.printf(
        Locale.ROOT,
        "Observability cost benchmark: stacks %s; throughput N=%d as %d simulations; submit"
            + " %d-chunk POSTs at %d/s for %d s; %d warm-up + %d measured rounds; logs in %s%n",
        LABELS,
        settings.tasks(),
        settings.simulations(),
        settings.chunks(),
        settings.rate(),
        settings.seconds(),
        settings.warmups(),
        settings.runs(),
        runDir);
    try (OtlpSink sink = OtlpSink.start();
        Scraper scraper = new Scraper(settings.scrapeSeconds());
        BenchPostgres pg = BenchPostgres.start();
        CloudTasksEmulator emulator =
            CloudTasksEmulator.builder()
                .port(0)
                .maxDispatchesPerSecond(PipelineThroughputBenchmark.LIFTED_RATE)
                // Each round creates tens of thousands of task names; a shorter reservation
                // bounds this JVM's heap, as in the submit-latency benchmark.
                .taskNameReservation(Duration.ofMinutes(1))
                .start();
        CloudTasksClient tasks = PipelineThroughputBenchmark.grpcClient(emulator)) {
      postgres = pg.describe();
      System.out.println("  OTLP receiver at " + sink.url());
      List<Stack> stacks = new ArrayList<>();
      try {
        for (String label : LABELS) {
          envs.put(label, withSink(STACKS.get(label), sink));
          stacks.add(
              startStack(
                  label,
                  envs.get(label),
                  settings,
                  pg,
                  emulator,
                  tasks,
                  apiJvm,
                  workerJvm,
                  runDir));
          results.put(label, new Results());
        }
        int chunksEach = settings.tasks() / settings.simulations();
        for (int round = 0; round < settings.warmups() + settings.runs(); round++) {
          boolean warmup = round < settings.warmups();
          String name = warmup ? "warm-up" : "run " + (round - settings.warmups() + 1);
          if (!warmup) {
            loads.add(Machine.loadAverage());
          }
          scraper.counting(!warmup);
          List<Stack> order = turnOrder(stacks, round);
          for (Stack stack : order) {
            scrapeIfOn(scraper, stack);
            System.gc();
            Usage before = stack.usage();
            PipelineThroughputBenchmark.Run run =
                stack
                    .pipeline()
                    .run(stack.label() + "-r" + round, settings.simulations(), chunksEach);
            Cpu cpu = Cpu.perTask(before, stack.usage(), settings.tasks());
            scraper.stop();
            if (!warmup) {
              results.get(stack.label()).throughput.add(run);
              results.get(stack.label()).cpu.add(cpu);
            }
            System.out.printf(
                Locale.ROOT,
                "  %-8s %-7s throughput %7.0f tasks/s first start -> last commit, %7.0f tasks/s"
                    + " trigger -> last commit; CPU per task %.0f us, JIT compiler %.0f, outside it"
                    + " api %.0f, worker %.0f%n",
                name,
                stack.label(),
                run.windowRate(),
                run.triggerRate(),
                cpu.totalMicros(),
                cpu.jitMicros(),
                cpu.apiOutsideJitMicros(),
                cpu.workerOutsideJitMicros());
          }
          int seconds = warmup ? Math.min(settings.seconds(), WARMUP_SECONDS) : settings.seconds();
          int slices = Math.max(1, seconds / SLICE_SECONDS);
          Map<String, List<Slice>> sliced = new LinkedHashMap<>();
          for (int slice = 0; slice < slices; slice++) {
            List<Stack> turn = turnOrder(stacks, round * slices + slice);
            for (Stack stack : turn) {
              scrapeIfOn(scraper, stack);
              System.gc();
              sliced
                  .computeIfAbsent(stack.label(), l -> new ArrayList<>())
                  .add(submitSlice(stack, settings, tasks, seconds / slices));
              scraper.stop();
            }
          }
          for (Stack stack : order) {
            Latency latency = Latency.pooled(sliced.get(stack.label()));
            Cpu cpu = Cpu.perPost(sliced.get(stack.label()));
            if (!warmup) {
              results.get(stack.label()).latency.add(latency);
              results.get(stack.label()).submitCpu.add(cpu);
            }
            System.out.printf(
                Locale.ROOT,
                "  %-8s %-7s submit     p50 %6.1f p90 %6.1f p99 %6.1f max %6.1f ms, errors %d/%d,"
                    + " generator lag %.1f ms; outbox drained in %.1f s; CPU per POST outside the"
                    + " JIT compiler api %.0f us, worker %.0f%n",
                name,
                stack.label(),
                latency.p50(),
                latency.p90(),
                latency.p99(),
                latency.max(),
                latency.errors(),
                latency.requests(),
                latency.generatorLagMillis(),
                latency.drainSeconds(),
                cpu.apiOutsideJitMicros(),
                cpu.workerOutsideJitMicros());
          }
        }
        scraper.stop();
        for (Stack stack : stacks) {
          if (stack.scraped()) {
            for (PageCost page : pageCosts(stack, scraper)) {
              pageCosts.add(page);
              System.out.printf(
                  Locale.ROOT,
                  "  %s %s: %,d bytes, %,.0f us of CPU per page outside the JIT compiler%n",
                  page.service(),
                  METRICS_PATH,
                  page.bytes(),
                  page.micros());
            }
          }
        }
      } finally {
        for (Stack stack : stacks.reversed()) {
          stack.worker().close();
          stack.api().close();
        }
      }
      scrapes = scraper.tallies();
      exports = sink.tallies();
    }
    String report =
        report(
            settings,
            started,
            revision,
            postgres,
            apiJvm,
            workerJvm,
            envs,
            results,
            scrapes,
            pageCosts,
            exports,
            loads,
            Machine.loadAverage());
    System.out.println();
    System.out.println(report);
    if (settings.full()) {
      Path out = Stats.resultsDir().resolve("observability-cost.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    } else {
      System.out.println("Shortened run: results not written");
    }
    System.exit(0);
  }

  private static void scrapeIfOn(Scraper scraper, Stack stack) {
    if (stack.scraped()) {
      scraper.start(stack.label(), stack.metricsTargets());
    }
  }

  /**
   * The order the stacks take their {@code k}-th turn in, from a Williams design: row r of n stacks
   * is 0, 1, n−1, 2, n−2, … each plus r (mod n), and for an odd n the same n rows again reversed.
   * Over its n (odd: 2n) turns each stack goes first equally often and comes right after each other
   * stack equally often, so whatever a measurement leaves behind it (the database still flushing, a
   * collector or compiler still busy) falls on every stack alike. Rotations of one list keep one
   * cyclic order, in which "on" always came right after "off" (decision 0040).
   */
  static <T> List<T> turnOrder(List<T> stacks, int k) {
    int n = stacks.size();
    int rows = n % 2 == 0 ? n : 2 * n;
    int row = Math.floorMod(k, rows);
    List<T> order = new ArrayList<>(n);
    for (int i = 0, low = 1, high = n - 1; i < n; i++) {
      int first = i == 0 ? 0 : i % 2 == 1 ? low++ : high--;
      order.add(stacks.get((first + row) % n));
    }
    if (row >= n) {
      java.util.Collections.reverse(order);
    }
    return order;
  }

  /** What one {@link #METRICS_PATH} page of one service cost it: bytes, and CPU outside the JIT. */
  record PageCost(String service, int bytes, double micros) {}

  /**
   * What a page costs each of the stack's services, the rounds over and the stack idle: the CPU
   * (outside the JIT compiler) the service used over {@link #PAGES_MEASURED} pages fetched back to
   * back over one connection, less what it used unscraped over as long a time just after, per page.
   * As many pages before let the compiler settle on the path first.
   */
  private static List<PageCost> pageCosts(Stack stack, Scraper scraper) throws Exception {
    List<PageCost> costs = new ArrayList<>();
    for (var target : stack.metricsTargets().entrySet()) {
      boolean api = target.getKey().endsWith(" api");
      ToDoubleFunction<Cpu> own = api ? Cpu::apiOutsideJitMicros : Cpu::workerOutsideJitMicros;
      for (int i = 0; i < PAGES_MEASURED; i++) {
        scraper.page(target.getValue());
      }
      int bytes = 0;
      Usage before = stack.usage();
      long start = System.nanoTime();
      for (int i = 0; i < PAGES_MEASURED; i++) {
        bytes = scraper.page(target.getValue());
      }
      long nanos = System.nanoTime() - start;
      Usage after = stack.usage();
      Thread.sleep(Duration.ofNanos(nanos));
      double idle = own.applyAsDouble(Cpu.perTask(after, stack.usage(), 1));
      double busy = own.applyAsDouble(Cpu.perTask(before, after, 1));
      costs.add(new PageCost(target.getKey(), bytes, (busy - idle) / PAGES_MEASURED));
    }
    return costs;
  }

  /** The map with {@link #SINK} replaced by the receiver's URL. */
  private static Map<String, String> withSink(Map<String, String> observability, OtlpSink sink) {
    Map<String, String> env = new LinkedHashMap<>();
    observability.forEach((k, v) -> env.put(k, v.replace(SINK, sink.url())));
    return env;
  }

  /**
   * Starts one stack: a database and queues of its own ({@code simrun-bench-<label>}), the pipeline
   * benchmark's environment for its api and worker, plus {@code observability}.
   */
  private static Stack startStack(
      String label,
      Map<String, String> observability,
      Settings settings,
      BenchPostgres pg,
      CloudTasksEmulator emulator,
      CloudTasksClient tasks,
      List<String> apiJvm,
      List<String> workerJvm,
      Path runDir) {
    String project = PROJECT_PREFIX + label;
    String db = pg.createDatabase("simrun_observability_" + label);
    PipelineThroughputBenchmark.createQueues(tasks, project, settings.concurrency());
    int workerPort = ServiceProcess.freePort();
    PipelineThroughputBenchmark.StackEnv env =
        PipelineThroughputBenchmark.stackEnv(
            db, project, emulator, workerPort, settings.workerPool(), settings.concurrency());
    Map<String, String> apiEnv = new HashMap<>(env.api());
    Map<String, String> workerEnv = new HashMap<>(env.worker());
    apiEnv.putAll(observability);
    workerEnv.putAll(observability);
    int apiPort = ServiceProcess.freePort();
    int apiMetrics = metricsPort(apiEnv);
    int workerMetrics = metricsPort(workerEnv);
    ServiceProcess api = null;
    try {
      api =
          ServiceProcess.start(
              "api-" + label,
              apiPort,
              "dev.simrun.api.Application",
              "worker",
              apiEnv,
              apiJvm,
              runDir);
      ServiceProcess worker =
          ServiceProcess.start(
              "worker-" + label,
              workerPort,
              "dev.simrun.worker.Application",
              "api",
              workerEnv,
              workerJvm,
              runDir);
      System.out.printf(
          Locale.ROOT,
          "  stack %-7s api pid %d (%s), worker pid %d (%s); %s%n",
          label,
          api.pid(),
          api.url(),
          worker.pid(),
          worker.url(),
          observability);
      String queue =
          PipelineThroughputBenchmark.queueName(project, PipelineThroughputBenchmark.QUEUE_ID);
      return new Stack(
          label,
          Boolean.parseBoolean(observability.get("SIMRUN_METRICS_ENABLED")),
          observability,
          db,
          queue,
          api,
          apiMetrics,
          worker,
          workerMetrics,
          new PipelineThroughputBenchmark.SimRun(emulator, tasks, queue, api, worker, db));
    } catch (RuntimeException e) {
      if (api != null) {
        api.close();
      }
      throw e;
    }
  }

  /** A free port for the metrics in {@code env}. */
  private static int metricsPort(Map<String, String> env) {
    int port = ServiceProcess.freePort();
    env.put(METRICS_PORT_VARIABLE, Integer.toString(port));
    return port;
  }

  /**
   * POSTs at the fixed rate against the stack's api, its chunks' queue paused (the api's outbox
   * pump creates every task, nothing runs); then waits for the outbox to empty and removes what the
   * slice created (the queue purged, the simulations deleted, tables vacuumed), so every slice
   * starts from the same state.
   */
  private static Slice submitSlice(
      Stack stack, Settings settings, CloudTasksClient tasks, int seconds) throws Exception {
    SubmitLatencyBenchmark.Run run;
    Usage before = stack.usage();
    try (SubmitLatencyBenchmark.Load load =
        new SubmitLatencyBenchmark.Load(stack.api().url(), settings.chunks(), settings.rate(), 0)) {
      run = load.run(seconds);
    }
    long backlog = SubmitLatencyBenchmark.outboxRows(stack.database());
    long start = System.nanoTime();
    long left = backlog;
    while (left > 0) {
      if (System.nanoTime() - start > DRAIN_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "stack "
                + stack.label()
                + ": "
                + left
                + " outbox rows left "
                + DRAIN_TIMEOUT.toSeconds()
                + " s after the submit run");
      }
      Thread.sleep(50);
      left = SubmitLatencyBenchmark.outboxRows(stack.database());
    }
    double drainSeconds = (System.nanoTime() - start) / 1e9;
    Cpu cpu = Cpu.perTask(before, stack.usage(), Math.max(1, run.post().length));
    tasks.purgeQueue(stack.queue());
    try (Connection c = BenchPostgres.connect(stack.database());
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM simulations");
      s.execute("VACUUM ANALYZE");
    }
    if (!stack.api().alive() || !stack.worker().alive()) {
      throw new IllegalStateException(
          "stack " + stack.label() + ": a service exited; logs: " + stack.api().log());
    }
    return new Slice(run, backlog, drainSeconds, cpu);
  }

  // ------------------------------------------------------------------ OTLP receiver

  /**
   * An OTLP/HTTP receiver: accepts {@code POST <prefix>/v1/traces} (and {@code /v1/metrics}, {@code
   * /v1/logs}), reads the body, counts requests and bytes per path, and answers 200 with an empty
   * body (an empty export response). Anything else is counted and answered 404.
   */
  static final class OtlpSink implements AutoCloseable {
    record Tally(long requests, long bytes) {}

    private final HttpServer server;
    private final Map<String, AtomicLong[]> counts = new ConcurrentHashMap<>();

    private OtlpSink(HttpServer server) {
      this.server = server;
    }

    static OtlpSink start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      OtlpSink sink = new OtlpSink(server);
      server.createContext("/", sink::handle);
      server.setExecutor(Executors.newFixedThreadPool(2));
      server.start();
      return sink;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      long bytes = 0;
      try (InputStream body = exchange.getRequestBody()) {
        byte[] buffer = new byte[16_384];
        for (int n; (n = body.read(buffer)) >= 0; ) {
          bytes += n;
        }
      }
      boolean export =
          exchange.getRequestMethod().equals("POST")
              && (path.endsWith("/v1/traces")
                  || path.endsWith("/v1/metrics")
                  || path.endsWith("/v1/logs"));
      String key = export ? path : exchange.getRequestMethod() + " " + path + " (refused)";
      AtomicLong[] c =
          counts.computeIfAbsent(key, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
      c[0].incrementAndGet();
      c[1].addAndGet(bytes);
      if (export) {
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    }

    /** Requests and bytes by path, in path order. */
    Map<String, Tally> tallies() {
      Map<String, Tally> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, new Tally(v[0].get(), v[1].get())));
      return out;
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  // ------------------------------------------------------------------ Prometheus scraper

  /**
   * GETs each target of the stack being measured every interval, as the collector sidecar would.
   * Each stack's interval runs on a clock of its own that moves only while that stack is measured,
   * so a stack is scraped at production's rate per second of its own load, wherever its turns begin
   * and end. Counts, per service, scrapes by answer (HTTP status, or the error) and the bytes of
   * metrics (200 answers), in measured rounds only; a 404 (no metrics endpoint yet) is counted, not
   * fatal.
   */
  static final class Scraper implements AutoCloseable {
    record Tally(long scrapes, long ok, long bytes, Map<String, Long> answers) {}

    private final long intervalMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Map<String, Map<String, Long>> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> bytes = new ConcurrentHashMap<>();

    /** By stack: how long until its next scrape, on its own clock. */
    private final Map<String, Long> dueInMillis = new HashMap<>();

    private volatile boolean counting;
    private ScheduledFuture<?> task;
    private String measured;

    Scraper(int intervalSeconds) {
      this.intervalMillis = TimeUnit.SECONDS.toMillis(intervalSeconds);
    }

    void counting(boolean counting) {
      this.counting = counting;
    }

    /**
     * Runs the clock of {@code stack}: its first scrape half an interval into its first turn, later
     * ones where its previous turn left the clock.
     */
    synchronized void start(String stack, Map<String, URI> targets) {
      stop();
      measured = stack;
      task =
          timer.scheduleAtFixedRate(
              () -> targets.forEach(this::scrape),
              dueInMillis.getOrDefault(stack, intervalMillis / 2),
              intervalMillis,
              TimeUnit.MILLISECONDS);
    }

    /** Stops the clock of the stack being measured, keeping what is left until its next scrape. */
    synchronized void stop() {
      if (task != null) {
        task.cancel(false);
        dueInMillis.put(
            measured, Math.clamp(task.getDelay(TimeUnit.MILLISECONDS), 0, intervalMillis));
        task = null;
      }
    }

    private void scrape(String service, URI target) {
      String answer;
      long size = 0;
      try {
        HttpResponse<byte[]> r = get(target);
        answer = Integer.toString(r.statusCode());
        size = r.statusCode() == 200 ? r.body().length : 0;
      } catch (IOException e) {
        answer = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (counting) {
        String key = service + " " + target.getPath();
        answers.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).merge(answer, 1L, Long::sum);
        bytes.merge(key, size, Long::sum);
      }
    }

    /** One page of {@code target}, not counted; its size in bytes. */
    int page(URI target) throws IOException, InterruptedException {
      HttpResponse<byte[]> r = get(target);
      if (r.statusCode() != 200) {
        throw new IllegalStateException(target + " answered " + r.statusCode());
      }
      return r.body().length;
    }

    private HttpResponse<byte[]> get(URI target) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    Map<String, Tally> tallies() {
      Map<String, Tally> out = new TreeMap<>();
      answers.forEach(
          (target, byAnswer) -> {
            long total = byAnswer.values().stream().mapToLong(Long::longValue).sum();
            out.put(
                target,
                new Tally(
                    total,
                    byAnswer.getOrDefault("200", 0L),
                    bytes.getOrDefault(target, 0L),
                    new TreeMap<>(byAnswer)));
          });
      return out;
    }

    @Override
    public void close() {
      stop();
      timer.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ report

  /**
   * One figure of the report: its value in each of a stack's measured rounds, and whether the goal
   * is judged on it (the api / worker split and the second throughput window only explain the
   * others).
   */
  private record Figure(
      String name,
      String unit,
      boolean higherIsBetter,
      boolean judged,
      java.util.function.Function<Results, double[]> rounds) {
    double median(Results stack) {
      return Stats.median(rounds.apply(stack));
    }

    /**
     * The cost of {@code x} in each round, x/off − 1 in percent of that round's "off": of the time
     * per task for a rate, of the value otherwise. A round's stacks share its machine state, which
     * moves every stack's figures alike by far more than the cost (decision 0039).
     */
    double[] costsPercent(Results off, Results x) {
      double[] base = rounds.apply(off);
      double[] value = rounds.apply(x);
      double[] costs = new double[base.length];
      for (int i = 0; i < base.length; i++) {
        costs[i] = (higherIsBetter ? base[i] / value[i] - 1 : value[i] / base[i] - 1) * 100;
      }
      return costs;
    }

    /** The median of the rounds' costs: what the goal is judged on. */
    double costPercent(Results off, Results x) {
      return Stats.median(costsPercent(off, x));
    }
  }

  private static <T> Figure figure(
      String name,
      String unit,
      boolean higherIsBetter,
      boolean judged,
      java.util.function.Function<Results, List<T>> rounds,
      ToDoubleFunction<T> value) {
    return new Figure(
        name,
        unit,
        higherIsBetter,
        judged,
        r -> rounds.apply(r).stream().mapToDouble(value).toArray());
  }

  private static String report(
      Settings settings,
      Instant started,
      String revision,
      String postgres,
      List<String> apiJvm,
      List<String> workerJvm,
      Map<String, Map<String, String>> envs,
      Map<String, Results> results,
      Map<String, Scraper.Tally> scrapes,
      List<PageCost> pageCosts,
      Map<String, OtlpSink.Tally> exports,
      List<String> loads,
      String loadAtEnd) {
    Results off = results.get("off");
    List<Figure> figures =
        List.of(
            figure(
                "Throughput, first start → last commit",
                "tasks/s",
                true,
                true,
                r -> r.throughput,
                PipelineThroughputBenchmark.Run::windowRate),
            figure(
                "Throughput, trigger → last commit",
                "tasks/s",
                true,
                false,
                r -> r.throughput,
                PipelineThroughputBenchmark.Run::triggerRate),
            figure(
                "CPU per task outside the JIT compiler, api + worker",
                "µs",
                false,
                true,
                r -> r.cpu,
                Cpu::outsideJitMicros),
            figure(
                "CPU per task outside the JIT compiler, api",
                "µs",
                false,
                false,
                r -> r.cpu,
                Cpu::apiOutsideJitMicros),
            figure(
                "CPU per task outside the JIT compiler, worker",
                "µs",
                false,
                false,
                r -> r.cpu,
                Cpu::workerOutsideJitMicros),
            figure(
                "CPU per task of the JIT compiler, api + worker",
                "µs",
                false,
                false,
                r -> r.cpu,
                Cpu::jitMicros),
            figure(
                "CPU per task, every thread, api + worker",
                "µs",
                false,
                false,
                r -> r.cpu,
                Cpu::totalMicros),
            figure("Submit latency p50", "ms", false, true, r -> r.latency, Latency::p50),
            figure("Submit latency p90", "ms", false, true, r -> r.latency, Latency::p90),
            figure("Submit latency p99", "ms", false, true, r -> r.latency, Latency::p99),
            figure(
                "CPU per submit outside the JIT compiler, api + worker",
                "µs",
                false,
                false,
                r -> r.submitCpu,
                Cpu::outsideJitMicros),
            figure(
                "CPU per submit outside the JIT compiler, api",
                "µs",
                false,
                false,
                r -> r.submitCpu,
                Cpu::apiOutsideJitMicros));
    StringBuilder md = new StringBuilder();
    md.append("# Observability cost: metrics and tracing on vs off\n\n");
    md.append(
        "Benchmark: `dev.simrun.bench.ObservabilityCostBenchmark` (see `bench/README.md`).\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    md.append("- Code: ").append(revision).append(" (as the run began)\n");
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append(
            "- Load average (1, 5, 15 min) as each measured round began: "
                + String.join("; ", loads)
                + "; at the end: "
                + loadAtEnd
                + ". The 2 cores are shared: a load well above 2 means fewer cores than the"
                + " machine has.")
        .append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- %d warm-up rounds (their submit load at most %d s), then %d measured rounds; each"
                + " round runs every stack's throughput, then every stack's submit latency in"
                + " slices of %d s, the stacks taking turns slice by slice; the stacks' order"
                + " changes from turn to turn, from a Williams design, so that each goes first,"
                + " and comes right after each other, equally often%s\n",
            settings.warmups(),
            WARMUP_SECONDS,
            settings.runs(),
            SLICE_SECONDS,
            settings.full() ? "" : "; SHORTENED RUN, not a result"));
    md.append("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+):\n\n");
    md.append("  ```sh\n  ").append(COMMAND).append("\n  ```\n\n");
    md.append(
        "  or `./simrun bench observability [options]`, which picks a JDK and does the same.\n\n");

    md.append("## What differs between the stacks\n\n");
    md.append(
        "Only these variables (`OBSERVABILITY_OFF`, `OBSERVABILITY_ON`, `OBSERVABILITY_ALL`,"
            + " `OBSERVABILITY_CONTROL`). \"On\" is production's setup (`infra/cloud_run.tf`:"
            + " Terraform's `tracing_sampler_ratio` 0.1), \"all\" the same with every trace kept,"
            + " \"control\" the same as \"off\": its cost is what this run measures between two"
            + " identical stacks. The OTLP endpoint is this benchmark's receiver, a path per stack"
            + " so it can tell who sent what.\n\n");
    md.append("| variable | " + String.join(" | ", LABELS) + " |\n|---|");
    md.append("---|".repeat(LABELS.size())).append('\n');
    for (String key : envs.get(GOAL_STACK).keySet()) {
      md.append("| `").append(key).append("` |");
      for (String label : LABELS) {
        md.append(" `").append(envs.get(label).get(key)).append("` |");
      }
      md.append('\n');
    }
    md.append('\n');

    md.append("## Settings\n\n");
    md.append(
            String.format(
                Locale.ROOT,
                "- Each stack: one api process (JVM %s, default pool) and one worker process (JVM"
                    + " %s, `DATABASE_POOL_SIZE=%d`, %d I/O slots), a database of its own on the one"
                    + " embedded PostgreSQL, and its queues (chunks: `%s`, paused between runs;"
                    + " finalize) in a project of its own on the one Cloud Tasks emulator in the"
                    + " benchmark JVM, rate limit lifted, %d concurrent dispatches.\n",
                apiJvm,
                workerJvm,
                settings.workerPool(),
                settings.concurrency(),
                PipelineThroughputBenchmark.QUEUE_ID,
                settings.concurrency()))
        .append(
            String.format(
                Locale.ROOT,
                "- Throughput: %,d one-unit chunks per stack and round, as %,d `noop` simulations"
                    + " of %,d chunks (sampling is decided per simulation), submitted with the"
                    + " chunks' queue paused, then measured and checked as the pipeline benchmark"
                    + " does (`results/pipeline-throughput.md`). CPU per task: the CPU time (user +"
                    + " system) the stack's api and worker processes used from just before the"
                    + " queue resumed to the last simulation's end, over the tasks; the JIT"
                    + " compiler threads' share (Linux's per-thread counters) apart from the"
                    + " rest.\n",
                settings.tasks(),
                settings.simulations(),
                settings.tasks() / settings.simulations()))
        .append(
            String.format(
                Locale.ROOT,
                "- Submit latency: `POST /api/v1/simulations` of a `noop` simulation of %d chunks"
                    + " at %d requests/s for %d s per round, open loop, latency from each request's"
                    + " intended send time (as the submit-latency benchmark measures it), over every"
                    + " POST of the round; the chunks' queue paused, so the outbox pump creates"
                    + " every task and nothing runs; after each slice the outbox drained, the queue"
                    + " purged and the simulations deleted.\n",
                settings.chunks(),
                settings.rate(),
                settings.seconds()))
        .append(
            String.format(
                Locale.ROOT,
                "- While the \"on\" or \"all\" stack is measured, both its services' `%s` (on the"
                    + " management port in `%s`) are scraped every %d s%s, on a clock of the"
                    + " stack's own that runs only while it is measured. After the rounds, what a"
                    + " page costs each service: the CPU it used outside the JIT compiler over %d"
                    + " pages back to back (after %d more), less its idle CPU over as long.\n\n",
                METRICS_PATH,
                METRICS_PORT_VARIABLE,
                settings.scrapeSeconds(),
                settings.scrapeSeconds() == PRODUCTION_SCRAPE_SECONDS
                    ? " as production (Terraform's `metrics_scrape_interval_seconds`)"
                    : " (production: every " + PRODUCTION_SCRAPE_SECONDS + " s)",
                PAGES_MEASURED,
                PAGES_MEASURED));

    md.append("## Results\n\n");
    md.append(
        "Values: medians over the measured rounds. Cost: the median over the rounds of each"
            + " round's x/off − 1 (the stacks of a round share its machine state; decision 0039):"
            + " of the time per task for throughput (so a 5% cost is x at 1/1.05 of off's"
            + " tasks/s), of the value for CPU and latencies. The goal is judged on \"on\","
            + " production's settings, over the figures marked ●; \"all\" shows what keeping"
            + " every trace costs; \"control\", a second \"off\", what the run measures where"
            + " there is nothing to measure: a cost of \"on\" within the control's is not told"
            + " apart from zero. CPU per submit: the CPU time of the stack's processes from a"
            + " slice's first POST until its outbox was empty (every task created), over its"
            + " POSTs; the worker, idle then (the chunks' queue is paused), adds what it spends"
            + " being scraped and polling.\n\n");
    md.append(
        "| Figure | off | on | cost | under "
            + fmt(GOAL_PERCENT)
            + "% | all | cost | control | cost |\n");
    md.append("|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
    boolean allMet = true;
    for (Figure f : figures) {
      double onCost = f.costPercent(off, results.get("on"));
      boolean met = onCost < GOAL_PERCENT;
      if (f.judged()) {
        allMet &= met;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s%s (%s) | %s | %s | **%+.1f%%** | %s | %s | %+.1f%% | %s | %+.1f%% |\n",
              f.judged() ? "● " : "",
              f.name(),
              f.unit(),
              value(f.median(off), f.unit()),
              value(f.median(results.get("on")), f.unit()),
              onCost,
              f.judged() ? (met ? "met" : "NOT met") : "",
              value(f.median(results.get("all")), f.unit()),
              f.costPercent(off, results.get("all")),
              value(f.median(results.get("control")), f.unit()),
              f.costPercent(off, results.get("control"))));
    }
    md.append('\n');
    for (String label : List.of("on", "all")) {
      boolean exported =
          exports.entrySet().stream()
              .anyMatch(
                  e -> e.getKey().startsWith("/" + label + "/") && e.getValue().requests() > 0);
      boolean scraped =
          scrapes.entrySet().stream()
              .anyMatch(e -> e.getKey().startsWith(label + " ") && e.getValue().ok() > 0);
      if (!exported || !scraped) {
        md.append(
            String.format(
                Locale.ROOT,
                "**The \"%s\" stack %s%s: the switches did not take (or name nothing yet), so"
                    + " this run compares the same code twice and its costs are noise.**\n\n",
                label,
                exported ? "" : "exported no traces",
                scraped ? "" : (exported ? "" : " and ") + "served no metrics"));
      }
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Goal (issue #16): metrics and tracing, as production runs them, cost under %s%% on"
                + " every figure marked ●: %s.\n\n",
            fmt(GOAL_PERCENT),
            allMet ? "**met**" : "**NOT met**"));

    md.append("Each measured round's cost of \"on\" (of \"control\"), in round order:\n\n");
    for (Figure f : figures) {
      if (f.judged()) {
        md.append("- ")
            .append(f.name())
            .append(": ")
            .append(roundCosts(f, off, results.get("on")))
            .append(" (")
            .append(roundCosts(f, off, results.get("control")))
            .append(")\n");
      }
    }
    md.append('\n');

    md.append("Every measured round:\n\n");
    for (String label : LABELS) {
      Results r = results.get(label);
      md.append("- ")
          .append(label)
          .append(", tasks/s (first start → last commit / trigger → last commit): ");
      md.append(
          String.join(
              ", ",
              r.throughput.stream()
                  .map(
                      t ->
                          String.format(
                              Locale.ROOT, "%,.0f / %,.0f", t.windowRate(), t.triggerRate()))
                  .toList()));
      md.append('\n');
      md.append("- ")
          .append(label)
          .append(
              ", CPU per task µs (every thread = JIT compiler + outside it; outside it: api /"
                  + " worker): ")
          .append(
              String.join(
                  ", ",
                  r.cpu.stream()
                      .map(
                          c ->
                              String.format(
                                  Locale.ROOT,
                                  "%.0f = %.0f + %.0f; %.0f / %.0f",
                                  c.totalMicros(),
                                  c.jitMicros(),
                                  c.outsideJitMicros(),
                                  c.apiOutsideJitMicros(),
                                  c.workerOutsideJitMicros()))
                      .toList()))
          .append('\n');
      md.append("- ").append(label).append(", submit p50 / p90 / p99 / max ms (errors): ");
      md.append(
          String.join(
              ", ",
              r.latency.stream()
                  .map(
                      l ->
                          String.format(
                              Locale.ROOT,
                              "%.1f / %.1f / %.1f / %.1f (%d)",
                              l.p50(),
                              l.p90(),
                              l.p99(),
                              l.max(),
                              l.errors()))
                  .toList()));
      md.append('\n');
      md.append("- ")
          .append(label)
          .append(", CPU per submit µs (outside the JIT compiler: api / worker; JIT compiler): ")
          .append(
              String.join(
                  ", ",
                  r.submitCpu.stream()
                      .map(
                          c ->
                              String.format(
                                  Locale.ROOT,
                                  "%.0f / %.0f; %.0f",
                                  c.apiOutsideJitMicros(),
                                  c.workerOutsideJitMicros(),
                                  c.jitMicros()))
                      .toList()))
          .append('\n');
    }
    md.append('\n');

    md.append("## What \"on\" and \"all\" paid for\n\n");
    md.append("OTLP/HTTP exports received by the benchmark's receiver, whole run:\n\n");
    if (exports.isEmpty()) {
      md.append("- none\n");
    }
    exports.forEach(
        (path, t) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "- `%s`: %,d requests, %,d bytes\n",
                    path,
                    t.requests(),
                    t.bytes())));
    md.append("\nPrometheus scrapes of the \"on\" and \"all\" stacks, measured rounds:\n\n");
    if (scrapes.isEmpty()) {
      md.append("- none\n");
    }
    scrapes.forEach(
        (target, t) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "- %s: %,d scrapes, %,d answered 200 (%,d bytes of metrics), %,d did not;"
                        + " answers %s\n",
                    target,
                    t.scrapes(),
                    t.ok(),
                    t.bytes(),
                    t.scrapes() - t.ok(),
                    t.answers())));
    md.append(
        String.format(
            Locale.ROOT,
            "\nWhat one `%s` page costs, the stack idle (CPU outside the JIT compiler; at"
                + " production's one page per %d s, per second of the service's time):\n\n",
            METRICS_PATH,
            PRODUCTION_SCRAPE_SECONDS));
    for (PageCost page : pageCosts) {
      md.append(
          String.format(
              Locale.ROOT,
              "- %s: %,d bytes, %,.0f µs of CPU per page; %,.0f µs/s at production's interval\n",
              page.service(),
              page.bytes(),
              page.micros(),
              page.micros() / PRODUCTION_SCRAPE_SECONDS));
    }
    md.append("\n## Notes\n\n");
    md.append(
        """
        - Every stack stays up for the whole run; while one is measured the others are idle, \
        so each measurement has the machine to itself apart from the other stacks' idle pollers.
        - The "off" stack's exporter points at a path of its own: anything it sends shows \
        above, and would mean "off" is not off.
        - Medians over few rounds on a shared 2-core machine: differences of a few percent in \
        throughput and latency are within the noise between rounds of the same stack; compare \
        with the rounds listed. CPU per task does not depend on what else the cores were doing, \
        so it varies much less.
        """);
    return md.toString();
  }

  private static String roundCosts(Figure f, Results off, Results x) {
    return String.join(
        ", ",
        java.util.Arrays.stream(f.costsPercent(off, x))
            .mapToObj(c -> String.format(Locale.ROOT, "%+.1f%%", c))
            .toList());
  }

  private static String value(double v, String unit) {
    return unit.equals("ms")
        ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The stacks by label, in the order they start. */
  private static Map<String, Map<String, String>> stacks() {
    Map<String, Map<String, String>> stacks = new LinkedHashMap<>();
    stacks.put("off", OBSERVABILITY_OFF);
    stacks.put("on", OBSERVABILITY_ON);
    stacks.put("all", OBSERVABILITY_ALL);
    stacks.put("control", OBSERVABILITY_CONTROL);
    return java.util.Collections.unmodifiableMap(stacks);
  }

  /**
   * The default of the Terraform variable {@code name} in {@code file}, a number: the first {@code
   * default = N} after {@code variable "name" {}.
   */
  static int terraformNumberDefault(Path file, String name) {
    String tf;
    try {
      tf = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (run from the repository root)", e);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "variable\\s+\""
                    + java.util.regex.Pattern.quote(name)
                    + "\"\\s*\\{[^}]*?default\\s*=\\s*(\\d+)")
            .matcher(tf);
    if (!m.find()) {
      throw new IllegalStateException(file + " has no number default for variable " + name);
    }
    return Integer.parseInt(m.group(1));
  }

  /** A map that keeps the order its keys are given in. */
  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
