package dev.simrun.bench;

import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.simrun.bench.noop.NoopKind;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import java.io.IOException;
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
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * No-op chunk throughput through SimRun's whole path, side by side with db-scheduler 16.x running
 * the same number of no-op tasks on the same PostgreSQL server in the same run.
 *
 * <ul>
 *   <li><b>Baseline: db-scheduler</b> ({@code com.github.kagkarlsson:db-scheduler}), one {@link
 *       Scheduler} in this JVM with its default polling strategy (fetch, lock on execute) and
 *       {@value #DEFAULT_THREADS} threads by default. N one-time tasks are scheduled up front in
 *       one batch ({@code SchedulerClient.scheduleBatch}); the clock starts at {@code start()}.
 *   <li><b>SimRun</b>: the api and the worker as processes of their own, the Cloud Tasks emulator
 *       in this JVM. A {@code noop} simulation of N chunks (1 unit each) is submitted with {@code
 *       POST /api/v1/simulations}; the api stores it and its outbox pump creates the N tasks in a
 *       paused queue; the clock starts when the queue is resumed. Each push runs the worker's
 *       claim, the kind, and the fenced commit in PostgreSQL.
 * </ul>
 *
 * <p>Throughput is N over the time from the first task's start to the last task's completion: for
 * SimRun {@code min(chunks.started_at)} to {@code max(chunks.finished_at)}; for db-scheduler the
 * first {@code onExecutionStart} to the N-th {@code onExecutionComplete} (after its row is
 * deleted). A second figure runs from the trigger (resume, {@code start()}) to the last commit.
 * {@value #WARMUPS} warm-up round and {@value #RUNS} measured rounds, the sides interleaved. Run
 * from the repository root; results go to {@code bench/results/pipeline-throughput.md}.
 */
public final class PipelineThroughputBenchmark {
  static final int DEFAULT_TASKS = 20_000;
  static final int WARMUPS = 2;
  static final int RUNS = 5;
  static final int DEFAULT_THREADS = 20;
  static final int DEFAULT_CONCURRENCY = 64;
  static final int DEFAULT_WORKER_POOL = 6;
  static final int DEFAULT_SHAPE_CHUNKS = 10_000;
  static final int SMALL_SIMULATIONS = 100;
  static final double LIFTED_RATE = 100_000;
  static final double GOAL_RATIO = 1.0;
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  static final Duration POLL = Duration.ofMillis(5);

  static final String PROJECT = "simrun-bench";
  static final String LOCATION = "local";

  /** Where the api puts an interactive simulation of an I/O-bound kind such as {@code noop}. */
  static final String QUEUE_ID = "simulations-interactive-io";

  /** Where the api puts finalize tasks. */
  static final String FINALIZE_QUEUE_ID = "simulations-finalize";

  static final String QUEUE = queueName(PROJECT, QUEUE_ID);
  static final String OWNER = "bench";

  static final List<String> SERVICE_JVM =
      List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xss512k");

  static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.PipelineThroughputBenchmark [N] [--concurrency=C]"
          + " [--worker-pool=P] [--threads=T] [--rounds=R] [--shape=M] [--profile]";

  private PipelineThroughputBenchmark() {}

  /** gRPC logs through java.util.logging; held so the level set in main is not collected. */
  private static final java.util.logging.Logger GRPC_JUL =
      java.util.logging.Logger.getLogger("io.grpc");

  /** What the command line chose. */
  record Settings(
      int tasks,
      int concurrency,
      int workerPool,
      int threads,
      int runs,
      int shapeChunks,
      boolean profile) {
    static Settings parse(String[] args) {
      int tasks = DEFAULT_TASKS;
      int shapeChunks = DEFAULT_SHAPE_CHUNKS;
      int concurrency = DEFAULT_CONCURRENCY;
      int pool = DEFAULT_WORKER_POOL;
      int threads = DEFAULT_THREADS;
      int runs = RUNS;
      boolean profile = false;
      for (String a : args) {
        if (a.startsWith("--concurrency=")) {
          concurrency = number(a);
        } else if (a.startsWith("--worker-pool=")) {
          pool = number(a);
        } else if (a.startsWith("--threads=")) {
          threads = number(a);
        } else if (a.startsWith("--rounds=")) {
          runs = number(a);
        } else if (a.startsWith("--shape=")) {
          shapeChunks = number(a);
        } else if (a.equals("--profile")) {
          profile = true;
        } else if (!a.startsWith("-")) {
          tasks = Integer.parseInt(a.replace("_", ""));
        } else {
          throw new IllegalArgumentException("unknown option " + a + "; usage: " + COMMAND);
        }
      }
      if (tasks < 1 || concurrency < 1 || pool < 1 || threads < 1 || runs < 1) {
        throw new IllegalArgumentException("N and every option must be positive");
      }
      if (shapeChunks < 0 || shapeChunks % SMALL_SIMULATIONS != 0) {
        throw new IllegalArgumentException(
            "--shape takes a multiple of " + SMALL_SIMULATIONS + ", or 0 for no shape rounds");
      }
      return new Settings(tasks, concurrency, pool, threads, runs, shapeChunks, profile);
    }

    private static int number(String option) {
      return Integer.parseInt(option.substring(option.indexOf('=') + 1).replace("_", ""));
    }
  }

  /**
   * One measured round of one side.
   *
   * @param windowSeconds first task started to last task committed
   * @param triggerSeconds trigger (queue resumed, scheduler started) to last task committed
   * @param doneSeconds trigger to the simulation SUCCEEDED (SimRun: after finalize)
   * @param enqueueSeconds making the N tasks due (SimRun: POST to N tasks in the queue)
   * @param submitMillis SimRun's POST round trip (storing N chunks and N outbox rows)
   */
  record Run(
      int n,
      double windowSeconds,
      double triggerSeconds,
      double doneSeconds,
      double enqueueSeconds,
      double submitMillis) {
    double windowRate() {
      return n / windowSeconds;
    }

    double triggerRate() {
      return n / triggerSeconds;
    }

    double enqueueRate() {
      return n / enqueueSeconds;
    }
  }

  interface Side {
    String name();

    Run run(String label, int n) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    // bench's logback.xml (the emulator's per-dispatch log off), not the logback-test.xml of the
    // shared test jar on this classpath, which logback would prefer: a console line per push in
    // this JVM would measure the console, not the pipeline.
    System.setProperty("logback.configurationFile", "logback.xml");
    GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    Settings settings = Settings.parse(args);
    Instant started = Instant.now();
    Path runDir = Stats.runDir("pipeline", started);
    Map<Side, List<Run>> results = new LinkedHashMap<>();
    Map<Side, List<Run>> shapes = new LinkedHashMap<>();
    List<String> loads = new ArrayList<>();
    String postgres;
    List<String> workerJvm;
    List<String> apiJvm;
    System.out.printf(
        Locale.ROOT,
        "Pipeline throughput benchmark: N=%d, %d warm-up + %d measured rounds; worker concurrency"
            + " %d, worker pool %d, db-scheduler threads %d; logs in %s%n",
        settings.tasks(),
        WARMUPS,
        settings.runs(),
        settings.concurrency(),
        settings.workerPool(),
        settings.threads(),
        runDir);
    try (BenchPostgres pg = BenchPostgres.start(settings.profile() ? runDir : null);
        CloudTasksEmulator emulator =
            CloudTasksEmulator.builder().port(0).maxDispatchesPerSecond(LIFTED_RATE).start();
        CloudTasksClient tasks = grpcClient(emulator)) {
      postgres = pg.describe();
      String simrunDb = pg.createDatabase("simrun_pipeline");
      String schedulerDb = pg.createDatabase("db_scheduler");
      createQueues(tasks, PROJECT, settings.concurrency());

      int workerPort = ServiceProcess.freePort();
      StackEnv stackEnv =
          stackEnv(
              simrunDb,
              PROJECT,
              emulator,
              workerPort,
              settings.workerPool(),
              settings.concurrency());
      Map<String, String> env = stackEnv.api();
      Map<String, String> workerEnv = stackEnv.worker();

      apiJvm = new ArrayList<>(SERVICE_JVM);
      apiJvm.add("-Xmx512m");
      workerJvm = new ArrayList<>(SERVICE_JVM);
      workerJvm.add("-Xmx1g");
      if (settings.profile()) {
        Files.createDirectories(runDir);
        workerJvm.add(
            "-XX:StartFlightRecording=filename="
                + runDir.resolve("worker.jfr")
                + ",settings=profile,dumponexit=true");
      }
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
                  workerEnv,
                  workerJvm,
                  runDir);
          DbScheduler baseline = new DbScheduler(schedulerDb, settings.threads())) {
        System.out.printf(Locale.ROOT, "  api pid %d, worker pid %d%n", api.pid(), worker.pid());
        SimRun simrun = new SimRun(emulator, tasks, QUEUE, api, worker, simrunDb);
        List<Side> sides = new ArrayList<>(List.of(baseline, simrun));
        sides.forEach(s -> results.put(s, new ArrayList<>()));
        if (settings.shapeChunks() > 0) {
          for (Side shape :
              List.of(
                  new Shape(simrun, 1, settings.shapeChunks()),
                  new Shape(
                      simrun, SMALL_SIMULATIONS, settings.shapeChunks() / SMALL_SIMULATIONS))) {
            sides.add(shape);
            shapes.put(shape, new ArrayList<>());
          }
        }
        for (int round = 0; round < WARMUPS + settings.runs(); round++) {
          boolean warmup = round < WARMUPS;
          if (!warmup) {
            loads.add(Machine.loadAverage());
          }
          if (settings.profile() && round == WARMUPS) {
            pg.resetStatements("simrun_pipeline");
            pg.resetStatements("db_scheduler");
          }
          for (Side side : sides) {
            System.gc();
            Run run = side.run("r" + round, settings.tasks());
            if (!warmup) {
              (side instanceof Shape ? shapes : results).get(side).add(run);
            }
            System.out.printf(
                Locale.ROOT,
                "  %-9s %-40s %7.0f tasks/s first start -> last commit (%.3f s), %7.0f tasks/s"
                    + " trigger -> last commit; enqueue %.0f tasks/s%s%n",
                warmup ? "warm-up" : "run " + (round - WARMUPS + 1),
                side.name(),
                run.windowRate(),
                run.windowSeconds(),
                run.triggerRate(),
                run.enqueueRate(),
                Double.isNaN(run.submitMillis())
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        "; POST %.0f ms; to SUCCEEDED %.3f s",
                        run.submitMillis(),
                        run.doneSeconds()));
          }
        }
      }
      if (settings.profile()) {
        String statements =
            "# Statements by total time, measured rounds\n\n## SimRun (api and worker)\n\n"
                + pg.topStatements("simrun_pipeline", 15)
                + "\n## db-scheduler\n\n"
                + pg.topStatements("db_scheduler", 10);
        Files.writeString(runDir.resolve("pg-statements.md"), statements, StandardCharsets.UTF_8);
        System.out.println(statements);
      }
    }
    String report =
        report(
            settings,
            started,
            postgres,
            apiJvm,
            workerJvm,
            results,
            shapes,
            loads,
            Machine.loadAverage(),
            settings.profile());
    System.out.println();
    System.out.println(report);
    if (settings.profile() || settings.runs() != RUNS) {
      System.out.println(
          "Profile or shortened run: results not written (the recording slows the worker); JFR file: "
              + runDir.resolve("worker.jfr"));
    } else {
      Path out = Stats.resultsDir().resolve("pipeline-throughput.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    }
    System.exit(0);
  }

  // ------------------------------------------------------------------------ db-scheduler

  /**
   * The baseline: one-time no-op tasks in db-scheduler's one table, executed by one scheduler with
   * its defaults apart from the thread count, on a Hikari pool of threads + 2 connections.
   */
  static final class DbScheduler implements Side, AutoCloseable {
    private final HikariDataSource dataSource;
    private final int threads;
    private final OneTimeTask<Void> task;
    private volatile AtomicIntegerArray executions = new AtomicIntegerArray(0);

    DbScheduler(String jdbcUrl, int threads) throws SQLException {
      this.threads = threads;
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setUsername(BenchPostgres.USER);
      config.setPassword(BenchPostgres.PASSWORD);
      config.setMaximumPoolSize(threads + 2);
      config.setPoolName("db-scheduler");
      this.dataSource = new HikariDataSource(config);
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        // db-scheduler's own DDL for PostgreSQL (src/test/resources/postgresql_tables.sql).
        s.execute(
            """
            CREATE TABLE scheduled_tasks (
              task_name text NOT NULL,
              task_instance text NOT NULL,
              task_data bytea,
              execution_time timestamp with time zone NOT NULL,
              picked BOOLEAN NOT NULL,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures INT,
              last_heartbeat timestamp with time zone,
              version BIGINT NOT NULL,
              priority SMALLINT,
              PRIMARY KEY (task_name, task_instance)
            );
            CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
            CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
            CREATE INDEX priority_execution_time_idx
                ON scheduled_tasks (priority desc, execution_time asc);
            """);
      }
      this.task =
          Tasks.oneTime("noop")
              .execute(
                  (instance, context) -> {
                    String id = instance.getId();
                    executions.incrementAndGet(Integer.parseInt(id.substring(id.indexOf('-') + 1)));
                  });
    }

    @Override
    public String name() {
      return "Baseline: db-scheduler 16.12.0";
    }

    String describe() {
      return "one `Scheduler`, "
          + threads
          + " threads, default polling strategy ("
          + SchedulerBuilder.DEFAULT_POLLING_STRATEGY.describe()
          + "), polling interval "
          + SchedulerBuilder.DEFAULT_POLLING_INTERVAL.toSeconds()
          + " s, HikariCP pool of "
          + (threads + 2)
          + " connections";
    }

    @Override
    public Run run(String label, int n) throws Exception {
      executions = new AtomicIntegerArray(n);
      SchedulerClient client = SchedulerClient.Builder.create(dataSource, task).build();
      List<TaskInstance<?>> instances = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        instances.add(task.instance(label + "-" + i));
      }
      long enqueueStart = System.nanoTime();
      client.scheduleBatch(instances, Instant.now());
      double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
      if (count("SELECT count(*) FROM scheduled_tasks") != n) {
        throw new IllegalStateException("db-scheduler: expected " + n + " scheduled tasks");
      }

      Completion completion = new Completion(n);
      Scheduler scheduler =
          Scheduler.create(dataSource, task)
              .threads(threads)
              .addSchedulerListener(completion)
              .build();
      long start = System.nanoTime();
      scheduler.start();
      boolean done = completion.latch.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      scheduler.stop();
      if (!done) {
        throw new IllegalStateException(
            "db-scheduler: " + completion.succeeded.get() + " of " + n + " in " + RUN_TIMEOUT);
      }
      int[] histogram = new int[3];
      for (int i = 0; i < n; i++) {
        histogram[Math.min(2, executions.get(i))]++;
      }
      long left = count("SELECT count(*) FROM scheduled_tasks");
      if (histogram[1] != n || completion.failed.get() != 0 || left != 0) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "db-scheduler: %d tasks never ran, %d ran more than once, %d failures, %d rows"
                    + " left",
                histogram[0],
                histogram[2],
                completion.failed.get(),
                left));
      }
      vacuum();
      double window = (completion.lastComplete.get() - completion.firstStart.get()) / 1e9;
      double trigger = (completion.lastComplete.get() - start) / 1e9;
      return new Run(n, window, trigger, trigger, enqueueSeconds, Double.NaN);
    }

    private long count(String sql) throws SQLException {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    private void vacuum() throws SQLException {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE scheduled_tasks");
      }
    }

    @Override
    public void close() {
      dataSource.close();
    }

    /** Counts completions (after db-scheduler's completion handler deleted the row). */
    private static final class Completion extends AbstractSchedulerListener {
      final CountDownLatch latch = new CountDownLatch(1);
      final AtomicInteger succeeded = new AtomicInteger();
      final AtomicInteger failed = new AtomicInteger();
      final AtomicLong firstStart = new AtomicLong();
      final AtomicLong lastComplete = new AtomicLong();
      private final int n;

      Completion(int n) {
        this.n = n;
      }

      @Override
      public void onExecutionStart(CurrentlyExecuting currentlyExecuting) {
        firstStart.compareAndSet(0, System.nanoTime());
      }

      @Override
      public void onExecutionComplete(ExecutionComplete complete) {
        if (complete.getResult() != ExecutionComplete.Result.OK) {
          failed.incrementAndGet();
          return;
        }
        if (succeeded.incrementAndGet() == n) {
          lastComplete.set(System.nanoTime());
          latch.countDown();
        }
      }
    }
  }

  // ------------------------------------------------------------------------ SimRun

  /**
   * The product path: POST to the api, the api's outbox pump creates one Cloud Tasks task per chunk
   * (into the paused queue), then the emulator pushes them to the worker, which claims, runs the
   * {@code noop} kind and commits each in PostgreSQL; the last commit enqueues finalize.
   */
  static final class SimRun implements Side {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    private final CloudTasksEmulator emulator;
    private final CloudTasksClient tasks;
    private final String queue;
    private final ServiceProcess api;
    private final ServiceProcess worker;
    private final String jdbcUrl;
    private final HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    SimRun(
        CloudTasksEmulator emulator,
        CloudTasksClient tasks,
        String queue,
        ServiceProcess api,
        ServiceProcess worker,
        String jdbcUrl) {
      this.emulator = emulator;
      this.tasks = tasks;
      this.queue = queue;
      this.api = api;
      this.worker = worker;
      this.jdbcUrl = jdbcUrl;
    }

    @Override
    public String name() {
      return "SimRun: emulator -> worker -> PostgreSQL";
    }

    @Override
    public Run run(String label, int n) throws Exception {
      return run(label, 1, n);
    }

    /**
     * One round of {@code simulations} simulations of {@code chunksEach} chunks each, all in the
     * paused queue before it is resumed; the window runs from the first claim to the last commit
     * over all of them.
     */
    Run run(String label, int simulations, int chunksEach) throws Exception {
      int n = simulations * chunksEach;
      EmulatorStats.Queue paused = queueStats();
      if (paused.tasks() != 0 || !paused.state().equals("PAUSED")) {
        throw new IllegalStateException("queue not empty and paused before the run: " + paused);
      }
      // Pushes are counted over every queue: the chunks' and the finalize queue.
      EmulatorStats before = emulator.stats();
      long submitStart = System.nanoTime();
      UUID[] ids = new UUID[simulations];
      for (int s = 0; s < simulations; s++) {
        ids[s] = submit(simulations == 1 ? label : label + "-" + s, chunksEach);
      }
      double submitMillis = (System.nanoTime() - submitStart) / 1e6;
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (queueStats().tasks() < n) {
        checkDeadline(deadline, "the outbox pump created " + queueStats().tasks() + " of " + n);
        LockSupport.parkNanos(POLL.toNanos());
      }
      double enqueueSeconds = (System.nanoTime() - submitStart) / 1e9;

      long start;
      long lastCommit = -1;
      long succeeded = -1;
      try (Connection c = BenchPostgres.connect(jdbcUrl);
          PreparedStatement poll =
              c.prepareStatement(
                  """
                  SELECT coalesce(sum(chunks_done), 0) AS done,
                         count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                         count(*) FILTER (WHERE status NOT IN ('QUEUED', 'RUNNING', 'SUCCEEDED'))
                             AS other
                  FROM simulations WHERE id = ANY (?)
                  """)) {
        poll.setArray(1, c.createArrayOf("uuid", ids));
        start = System.nanoTime();
        tasks.resumeQueue(queue);
        while (succeeded < 0) {
          try (ResultSet rs = poll.executeQuery()) {
            rs.next();
            long now = System.nanoTime();
            if (lastCommit < 0 && rs.getLong("done") >= n) {
              lastCommit = now;
            }
            if (rs.getLong("succeeded") == simulations) {
              succeeded = now;
            } else if (rs.getLong("other") > 0) {
              throw new IllegalStateException(
                  rs.getLong("other") + " simulation(s) neither running nor SUCCEEDED");
            }
          }
          checkDeadline(deadline, "simulations not done; " + queueStats());
          LockSupport.parkNanos(POLL.toNanos());
        }
      }
      tasks.pauseQueue(queue);

      // Every chunk exactly once: claimed once (attempt 1), SUCCEEDED, every push answered 2xx at
      // its first attempt, the reduced result counts every unit once, and the log holds one
      // chunk.succeeded per chunk under gap-free ids.
      long bookDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      EmulatorStats after;
      while ((after = emulator.stats()).successes() - before.successes() < (long) n + simulations
          && System.nanoTime() < bookDeadline) {
        Thread.sleep(10);
      }
      Instant firstStart;
      Instant lastFinish;
      try (Connection c = BenchPostgres.connect(jdbcUrl)) {
        java.sql.Array idArray = c.createArrayOf("uuid", ids);
        try (PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                       count(*) FILTER (WHERE attempt = 1) AS first_attempt,
                       min(started_at) AS first_start, max(finished_at) AS last_finish
                FROM chunks WHERE simulation_id = ANY (?)
                """)) {
          ps.setArray(1, idArray);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong("total") != n
                || rs.getLong("succeeded") != n
                || rs.getLong("first_attempt") != n) {
              throw new IllegalStateException(
                  String.format(
                      Locale.ROOT,
                      "SimRun: %d chunks, %d SUCCEEDED, %d at attempt 1 (expected %d each)",
                      rs.getLong("total"),
                      rs.getLong("succeeded"),
                      rs.getLong("first_attempt"),
                      n));
            }
            firstStart = instant(rs.getTimestamp("first_start"));
            lastFinish = instant(rs.getTimestamp("last_finish"));
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT s.id, s.chunks_done, convert_from(s.result, 'UTF8') AS result, s.event_seq,
                       (SELECT count(*) FROM simulation_events e WHERE e.simulation_id = s.id)
                           AS events,
                       (SELECT count(*) FROM simulation_events e
                        WHERE e.simulation_id = s.id AND e.type = 'chunk.succeeded') AS succeeded,
                       (SELECT max(seq) FROM simulation_events e WHERE e.simulation_id = s.id)
                           AS last_id
                FROM simulations s WHERE s.id = ANY (?)
                """)) {
          ps.setArray(1, idArray);
          try (ResultSet rs = ps.executeQuery()) {
            int seen = 0;
            while (rs.next()) {
              seen++;
              String result = rs.getString("result").replace(" ", "");
              if (rs.getInt("chunks_done") != chunksEach
                  || !result.equals("{\"units\":" + chunksEach + "}")
                  || rs.getLong("succeeded") != chunksEach
                  || rs.getLong("last_id") != rs.getLong("events")
                  || rs.getLong("event_seq") != rs.getLong("events")) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "SimRun: simulation %s: chunks_done %d, result %s, %d chunk.succeeded,"
                            + " %d events, last id %d, event_seq %d (expected %d chunks, gap-free"
                            + " ids)",
                        rs.getObject("id"),
                        rs.getInt("chunks_done"),
                        result,
                        rs.getLong("succeeded"),
                        rs.getLong("events"),
                        rs.getLong("last_id"),
                        rs.getLong("event_seq"),
                        chunksEach));
              }
            }
            if (seen != simulations) {
              throw new IllegalStateException("SimRun: " + seen + " of " + simulations + " found");
            }
          }
        }
        long pushes = (long) n + simulations;
        long attempts = after.attempts() - before.attempts();
        long successes = after.successes() - before.successes();
        long failures = after.failures() - before.failures();
        if (attempts != pushes || successes != pushes || failures != 0 || after.tasks() != 0) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "SimRun: %d pushes, %d 2xx, %d failures, %d tasks left (expected %d, %d, 0, 0)",
                  attempts,
                  successes,
                  failures,
                  after.tasks(),
                  pushes,
                  pushes));
        }
        // Start the next round from the same table sizes as this one.
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM simulations WHERE id = ANY (?)")) {
          ps.setArray(1, idArray);
          ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
          s.execute("VACUUM ANALYZE");
        }
      }
      if (!worker.alive() || !api.alive()) {
        throw new IllegalStateException("a service exited; logs: " + worker.log());
      }
      double window = Duration.between(firstStart, lastFinish).toNanos() / 1e9;
      return new Run(
          n,
          window,
          (lastCommit - start) / 1e9,
          (succeeded - start) / 1e9,
          enqueueSeconds,
          submitMillis);
    }

    /** {@code POST /api/v1/simulations} of a noop simulation of {@code chunks} one-unit chunks. */
    private UUID submit(String label, int chunks) throws IOException, InterruptedException {
      String body =
          """
          {"kind": "%s", "name": "pipeline benchmark %s", "params": {"units": %d},
           "chunking": {"unitsPerChunk": 1}}
          """
              .formatted(NoopKind.NAME, label, chunks);
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/simulations"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", ServiceProcess.bearer(OWNER))
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher id = ID.matcher(response.body());
      if (response.statusCode() != 202 || !id.find()) {
        throw new IllegalStateException(
            "POST answered " + response.statusCode() + ": " + response.body());
      }
      return UUID.fromString(id.group(1));
    }

    private EmulatorStats.Queue queueStats() {
      EmulatorStats.Queue q = emulator.stats().queues().get(queue);
      if (q == null) {
        throw new IllegalStateException("no queue " + queue);
      }
      return q;
    }

    private static Instant instant(Timestamp t) {
      return t.toInstant();
    }

    private static void checkDeadline(long deadline, String what) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + RUN_TIMEOUT + ": " + what);
      }
    }
  }

  /**
   * The same chunks as one simulation or as many: every commit of one simulation counts on its row
   * and takes its event id there, so a lock convoy on that row would show as the one large
   * simulation committing slower than many small ones.
   */
  record Shape(SimRun simrun, int simulations, int chunksEach) implements Side {
    @Override
    public String name() {
      return simulations == 1
          ? String.format(Locale.ROOT, "SimRun: one simulation of %,d chunks", chunksEach)
          : String.format(
              Locale.ROOT, "SimRun: %d simulations of %,d chunks", simulations, chunksEach);
    }

    @Override
    public Run run(String label, int n) throws Exception {
      return simrun.run(label, simulations, chunksEach);
    }
  }

  // ------------------------------------------------------------------------ report

  private static String report(
      Settings settings,
      Instant started,
      String postgres,
      List<String> apiJvm,
      List<String> workerJvm,
      Map<Side, List<Run>> results,
      Map<Side, List<Run>> shapes,
      List<String> loads,
      String loadAtEnd,
      boolean profile) {
    Side baseline = results.keySet().iterator().next();
    double baseWindow = Stats.median(results.get(baseline), Run::windowRate);
    double baseTrigger = Stats.median(results.get(baseline), Run::triggerRate);
    StringBuilder md = new StringBuilder();
    md.append("# Pipeline throughput: SimRun vs db-scheduler, no-op tasks\n\n");
    md.append(
        "Benchmark: `dev.simrun.bench.PipelineThroughputBenchmark` (see `bench/README.md`).\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    md.append("- Code: ").append(Machine.revision()).append('\n');
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append(
            "- Load average (1, 5, 15 min) as each measured round began: "
                + String.join("; ", loads)
                + "; at the end: "
                + loadAtEnd
                + ". The 2 cores are shared with other builds: a load well above 2 means the"
                + " figures below had fewer cores than the machine has.")
        .append('\n');
    md.append(
            String.format(
                Locale.ROOT,
                "- N = %,d tasks per round; %d warm-up round then %d measured rounds, the sides"
                    + " interleaved round by round (db-scheduler, then SimRun)%s\n",
                settings.tasks(),
                WARMUPS,
                settings.runs(),
                profile ? "; PROFILE RUN (JFR on the worker), not a result" : ""))
        .append("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+):\n\n");
    md.append("  ```sh\n  ").append(COMMAND).append("\n  ```\n\n");
    md.append(
        "  or `./simrun bench pipeline [N] [options]`, which picks a JDK and does the same.\n\n");

    md.append("## Settings\n\n");
    md.append("- db-scheduler: ").append(((DbScheduler) baseline).describe()).append(".\n");
    md.append(
            String.format(
                Locale.ROOT,
                "- SimRun worker: one process, JVM %s; `DATABASE_POOL_SIZE=%d` (HikariCP);"
                    + " concurrency set by the queue's `max_concurrent_dispatches` = %d (Cloud"
                    + " Run's per-instance concurrency plays this part in production).\n",
                workerJvm,
                settings.workerPool(),
                settings.concurrency()))
        .append(
            String.format(
                Locale.ROOT,
                "- SimRun api: one process, JVM %s, default pool (10); submits via `POST"
                    + " /api/v1/simulations` (kind `noop`, `unitsPerChunk` 1), its outbox pump"
                    + " creates the tasks (CreateTask over gRPC, 64 in flight).\n",
                apiJvm))
        .append(
            String.format(
                Locale.ROOT,
                "- Cloud Tasks emulator in the benchmark JVM, the chunks' queue (`%s`, where the"
                    + " api puts the I/O-bound `noop` kind's chunks) and the finalize queue,"
                    + " **per-queue rate limit"
                    + " lifted to %,.0f dispatches/s** (`maxDispatchesPerSecond`). Cloud Tasks"
                    + " allows at most 500/s per queue: in production this throughput needs the"
                    + " chunks spread over ~N/500 queues (sharding), which SimRun does not do"
                    + " today. OIDC tokens on every push, verified by the worker.\n\n",
                QUEUE_ID,
                LIFTED_RATE));

    md.append("## Results\n\n");
    md.append(
        "| Side | median tasks/s, first start → last commit | min | max | vs db-scheduler |"
            + " median tasks/s, trigger → last commit | min | max | vs db-scheduler |"
            + " enqueue, median tasks/s |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Side, List<Run>> e : results.entrySet()) {
      List<Run> runs = e.getValue();
      double window = Stats.median(runs, Run::windowRate);
      double trigger = Stats.median(runs, Run::triggerRate);
      boolean base = e.getKey() == baseline;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f | %,.0f | %s | %,.0f | %,.0f | %,.0f | %s | %,.0f |\n",
              e.getKey().name(),
              window,
              Stats.min(runs, Run::windowRate),
              Stats.max(runs, Run::windowRate),
              base ? "1 (baseline)" : String.format(Locale.ROOT, "**%.2f×**", window / baseWindow),
              trigger,
              Stats.min(runs, Run::triggerRate),
              Stats.max(runs, Run::triggerRate),
              base ? "1 (baseline)" : String.format(Locale.ROOT, "%.2f×", trigger / baseTrigger),
              Stats.median(runs, Run::enqueueRate)));
    }
    md.append('\n');
    for (Map.Entry<Side, List<Run>> e : results.entrySet()) {
      if (e.getKey() == baseline) {
        continue;
      }
      List<Run> runs = e.getValue();
      double ratio = Stats.median(runs, Run::windowRate) / baseWindow;
      md.append(
          String.format(
              Locale.ROOT,
              "Goal: SimRun ≥ %.1f× db-scheduler (first start → last commit, medians): %s"
                  + " (%.2f×).\n\n",
              GOAL_RATIO,
              ratio >= GOAL_RATIO ? "**met**" : "**NOT met**",
              ratio));
      md.append(
          String.format(
              Locale.ROOT,
              "SimRun extras (medians): POST of the %,d-chunk simulation %.0f ms; POST → all %,d"
                  + " tasks in the queue %.2f s; resume → simulation SUCCEEDED (finalize reduced"
                  + " %,d chunk results) %.2f s.\n\n",
              settings.tasks(),
              Stats.median(runs, Run::submitMillis),
              settings.tasks(),
              Stats.median(runs, Run::enqueueSeconds),
              settings.tasks(),
              Stats.median(runs, Run::doneSeconds)));
    }
    md.append(
        "Every measured round, tasks/s (first start → last commit / trigger → last commit):\n\n");
    for (Map.Entry<Side, List<Run>> e : results.entrySet()) {
      md.append("- ").append(e.getKey().name()).append(": ");
      md.append(
          String.join(
              ", ",
              e.getValue().stream()
                  .map(
                      r ->
                          String.format(
                              Locale.ROOT, "%,.0f / %,.0f", r.windowRate(), r.triggerRate()))
                  .toList()));
      md.append('\n');
    }
    md.append("\nEvery measured round, enqueue tasks/s:\n\n");
    for (Map.Entry<Side, List<Run>> e : results.entrySet()) {
      md.append("- ").append(e.getKey().name()).append(": ");
      md.append(
          String.join(
              ", ",
              e.getValue().stream()
                  .map(r -> String.format(Locale.ROOT, "%,.0f", r.enqueueRate()))
                  .toList()));
      md.append('\n');
    }
    if (!shapes.isEmpty()) {
      md.append(
          """

          ## One large simulation beside many small ones

          The same number of no-op chunks per round, %,d, as one simulation or as %d simulations of \
          %,d, through the same path with the same %d concurrent pushes, rounds interleaved with \
          the ones above. Every commit counts on its simulation's row and takes its event id there \
          (decision 0007), so the one large simulation's commits all queue for one row lock while \
          the small ones' spread over %d rows: a lock convoy would show as the large one committing \
          slower.

          | Shape | median commits/s, first start → last commit | min | max | vs many small |\
           median trigger → last commit | median resume → all SUCCEEDED (s) |
          |---|---:|---:|---:|---:|---:|---:|
          """
              .formatted(
                  settings.shapeChunks(),
                  SMALL_SIMULATIONS,
                  settings.shapeChunks() / SMALL_SIMULATIONS,
                  settings.concurrency(),
                  SMALL_SIMULATIONS));
      List<Side> order = new ArrayList<>(shapes.keySet());
      double small = Stats.median(shapes.get(order.getLast()), Run::windowRate);
      for (Side shape : order) {
        List<Run> runs = shapes.get(shape);
        double rate = Stats.median(runs, Run::windowRate);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %,.0f | %,.0f | %.2f× | %,.0f | %.2f |\n",
                shape.name().replace("SimRun: ", ""),
                rate,
                Stats.min(runs, Run::windowRate),
                Stats.max(runs, Run::windowRate),
                rate / small,
                Stats.median(runs, Run::triggerRate),
                Stats.median(runs, Run::doneSeconds)));
      }
      md.append("\nEvery measured round, commits/s (first start → last commit):\n\n");
      for (Side shape : order) {
        md.append("- ").append(shape.name().replace("SimRun: ", "")).append(": ");
        md.append(
            String.join(
                ", ",
                shapes.get(shape).stream()
                    .map(r -> String.format(Locale.ROOT, "%,.0f", r.windowRate()))
                    .toList()));
        md.append('\n');
      }
    }
    md.append("\n## Notes\n\n");
    md.append(
        """
        - One embedded PostgreSQL server for both sides, each in a database of its own; the \
        sides take turns, so neither runs while the other is measured. Everything (PostgreSQL, \
        the benchmark JVM with the emulator and db-scheduler, the api and worker JVMs) shares \
        the same cores.
        - First start → last commit: SimRun `min(chunks.started_at)` (the worker's claim) to \
        `max(chunks.finished_at)` (the worker's commit), read from PostgreSQL after the round; \
        db-scheduler the first `onExecutionStart` to the N-th `onExecutionComplete`, which \
        db-scheduler calls after its completion handler removed the task's row. \
        Trigger → last commit: from `ResumeQueue` (SimRun) or `Scheduler.start()` \
        (db-scheduler) to the last commit; SimRun's end is seen by polling `chunks_done` every \
        %d ms, so it may be late by that much.
        - Enqueue: db-scheduler `scheduleBatch` of N instances; SimRun from the POST to all N \
        tasks in the paused queue (store + outbox pump + CreateTask). Not part of either \
        throughput figure.
        - Correctness, checked every round: db-scheduler ran each task exactly once (a counter \
        per task instance), reported no failure and left no row; SimRun has N chunks SUCCEEDED, \
        each at attempt 1 (claimed once), `chunks_done` = N, the reduced result counts N units, \
        the event log holds one `chunk.succeeded` per chunk under gap-free ids (the last id = \
        the number of events = `event_seq`), and the emulator booked one push per chunk and one \
        finalize per simulation, all 2xx at the first attempt. The same for every simulation of \
        the shape rounds.
        - Between rounds each side's finished rows are removed and its tables vacuumed, so every \
        round starts from the same table sizes. `System.gc()` runs in the benchmark JVM before \
        each round.
        - The worker logs one INFO line per committed chunk (its own `logback.xml`, to a file); \
        that is part of what is measured, as in production.
        - %d warm-up rounds rather than 1: the worker JVM was still compiling after one round \
        of N (its throughput rose by a third from the first measured round to the second).
        - Where the time goes, and why SimRun's enqueue rate is low after the first round (the \
        outbox claim's cached plan): `bench/README.md`, "PipelineThroughputBenchmark".
        """
            .formatted(POLL.toMillis(), WARMUPS));
    return md.toString();
  }

  /** The full name of queue {@code queueId} in {@code project}, at {@link #LOCATION}. */
  static String queueName(String project, String queueId) {
    return "projects/" + project + "/locations/" + LOCATION + "/queues/" + queueId;
  }

  /**
   * Creates the queues one stack of SimRun uses in {@code project}: the chunks' queue ({@value
   * #QUEUE_ID}, left paused) and the finalize queue, both with the rate limit lifted and {@code
   * concurrency} dispatches at once.
   */
  static void createQueues(CloudTasksClient tasks, String project, int concurrency) {
    String chunks = queueName(project, QUEUE_ID);
    for (String name : List.of(chunks, queueName(project, FINALIZE_QUEUE_ID))) {
      tasks.createQueue(
          "projects/" + project + "/locations/" + LOCATION,
          Queue.newBuilder()
              .setName(name)
              .setRateLimits(
                  RateLimits.newBuilder()
                      .setMaxDispatchesPerSecond(LIFTED_RATE)
                      .setMaxConcurrentDispatches(concurrency))
              .build());
      if (name.equals(chunks)) {
        tasks.pauseQueue(chunks);
      }
    }
  }

  /** The environments of one stack's api and worker. */
  record StackEnv(Map<String, String> api, Map<String, String> worker) {}

  /**
   * The api's and the worker's environments for a stack on database {@code jdbcUrl} whose queues
   * live in {@code project} of {@code emulator}, the worker listening on {@code workerPort} with a
   * pool of {@code workerPool} connections and {@code concurrency} I/O slots.
   */
  static StackEnv stackEnv(
      String jdbcUrl,
      String project,
      CloudTasksEmulator emulator,
      int workerPort,
      int workerPool,
      int concurrency) {
    String workerUrl = "http://127.0.0.1:" + workerPort;
    Map<String, String> env =
        ServiceProcess.serviceEnv(jdbcUrl, project, LOCATION, emulator.endpoint());
    env.put("SIMRUN_TASKS_WORKER_URL", workerUrl);
    env.put("SIMRUN_AUTH_ISSUER", emulator.issuer());
    env.put("SIMRUN_AUTH_AUDIENCE", workerUrl);
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put("DATABASE_POOL_SIZE", Integer.toString(workerPool));
    // The queue's max_concurrent_dispatches sets the concurrency; the worker's own limit for
    // noop chunks (I/O-bound) matches it, so no push is refused.
    workerEnv.put("SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS", Integer.toString(concurrency));
    return new StackEnv(env, workerEnv);
  }

  static CloudTasksClient grpcClient(CloudTasksEmulator emulator) {
    return grpcClient(emulator.endpoint());
  }

  static CloudTasksClient grpcClient(String endpoint) {
    return CloudTasksClients.emulator(endpoint);
  }
}
