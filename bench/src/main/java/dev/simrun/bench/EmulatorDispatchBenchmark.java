package dev.simrun.bench;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.ByteString;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * Dispatch throughput of the Cloud Tasks emulator: how many tasks per second it pushes to a no-op
 * receiver on loopback, side by side with a direct HTTP load generator posting the same requests to
 * the same receiver (the baseline: what this machine's loopback HTTP can do without the emulator).
 *
 * <ul>
 *   <li><b>Baseline, direct HTTP, no emulator</b>: {@link java.net.http.HttpClient} configured as
 *       the emulator's dispatcher configures it, {@value #DIRECT_IN_FLIGHT} requests in flight.
 *   <li><b>A, faithful limits</b>: {@value #FAITHFUL_QUEUES} queues at Cloud Tasks' maximum of 500
 *       dispatches/s each (burst 100), so at most about 4,000 tasks/s by design.
 *   <li><b>B, one queue, cap lifted</b>: one queue at 100,000 dispatches/s, max concurrent
 *       dispatches {@value #MAX_CONCURRENT}, on an emulator built with {@code
 *       maxDispatchesPerSecond(100_000)}.
 * </ul>
 *
 * <p>For A and B the N tasks are created up front through the real {@link CloudTasksClient} over
 * gRPC into paused queues; the clock starts just before the queues are resumed and stops when the
 * receiver has the N-th request. Each scenario has {@value #WARMUPS} warm-up run and {@value #RUNS}
 * measured runs with fresh queues, the scenarios interleaved round by round. Run as {@code java -cp
 * "$(cat bench/target/classpath.txt):bench/target/classes"
 * dev.simrun.bench.EmulatorDispatchBenchmark [N]} from the repository root; the results go to
 * {@code bench/results/emulator-dispatch.md}.
 */
public final class EmulatorDispatchBenchmark {
  private static final int DEFAULT_TASKS = 20_000;
  private static final int WARMUPS = 1;
  private static final int RUNS = 5;
  private static final int CREATE_IN_FLIGHT = 256;
  private static final int DIRECT_IN_FLIGHT = 1000;
  private static final int MAX_CONCURRENT = 1000;
  private static final int FAITHFUL_QUEUES = 8;
  private static final double FAITHFUL_RATE = 500;
  private static final double LIFTED_RATE = 100_000;
  private static final int RECEIVER_THREADS = 2;
  private static final double TARGET_TASKS_PER_SECOND = 2_000;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration DISPATCH_DEADLINE = Duration.ofMinutes(10);

  private static final String LOCATION = "projects/simrun-bench/locations/local";
  private static final String PATH = "/noop";
  private static final String CONTENT_TYPE = "application/json";
  private static final byte[] BODY =
      "{\"job\":\"noop\",\"payload\":\"0123456789abcdef0123456789abcdef\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.EmulatorDispatchBenchmark [N]";

  private EmulatorDispatchBenchmark() {}

  /** gRPC logs through java.util.logging; held so the level set in main is not collected. */
  private static final java.util.logging.Logger GRPC_JUL =
      java.util.logging.Logger.getLogger("io.grpc");

  public static void main(String[] args) throws Exception {
    GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : DEFAULT_TASKS;
    if (n < 1) {
      throw new IllegalArgumentException("N must be positive, was " + n);
    }
    if (LoggerFactory.getLogger("simrun.emulator.dispatch").isInfoEnabled()) {
      System.err.println(
          "WARNING: logger simrun.emulator.dispatch is at INFO; one line per dispatch will distort"
              + " the results (is bench/target/classes/logback.xml on the classpath?)");
    }
    Instant started = Instant.now();
    Map<Scenario, List<Run>> results = new LinkedHashMap<>();
    try (NoopReceiver receiver = new NoopReceiver(RECEIVER_THREADS);
        CloudTasksEmulator faithful = CloudTasksEmulator.builder().port(0).start();
        CloudTasksEmulator lifted =
            CloudTasksEmulator.builder().port(0).maxDispatchesPerSecond(LIFTED_RATE).start();
        CloudTasksClient faithfulClient = grpcClient(faithful);
        CloudTasksClient liftedClient = grpcClient(lifted);
        DirectHttp direct = new DirectHttp(receiver)) {
      List<Scenario> scenarios =
          List.of(
              direct,
              new EmulatorScenario(
                  "A. Emulator, faithful limits: 8 queues x 500/s (burst 100)",
                  "a",
                  faithful,
                  faithfulClient,
                  receiver,
                  FAITHFUL_QUEUES,
                  FAITHFUL_RATE),
              new EmulatorScenario(
                  "B. Emulator, one queue, cap lifted: 100,000/s (burst 500)",
                  "b",
                  lifted,
                  liftedClient,
                  receiver,
                  1,
                  LIFTED_RATE));
      scenarios.forEach(s -> results.put(s, new ArrayList<>()));
      System.out.printf(
          Locale.ROOT,
          "Emulator dispatch benchmark: N=%d, %d warm-up + %d measured runs per scenario%n",
          n,
          WARMUPS,
          RUNS);
      for (int round = 0; round < WARMUPS + RUNS; round++) {
        boolean warmup = round < WARMUPS;
        for (Scenario s : scenarios) {
          System.gc();
          Run run = s.run("r" + round, n);
          if (!warmup) {
            results.get(s).add(run);
          }
          System.out.printf(
              Locale.ROOT,
              "  %-9s %-58s %9.0f tasks/s  (%.3f s%s)%n",
              warmup ? "warm-up" : "run " + (round - WARMUPS + 1),
              s.name(),
              run.tasksPerSecond(),
              run.seconds(),
              Double.isNaN(run.enqueuePerSecond())
                  ? ""
                  : String.format(
                      Locale.ROOT, "; CreateTask %.0f tasks/s", run.enqueuePerSecond()));
        }
      }
    }
    String report = report(n, started, results);
    System.out.println();
    System.out.println(report);
    Path out = resultsDir().resolve("emulator-dispatch.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println("Written to " + out.toAbsolutePath().normalize());
    System.exit(0);
  }

  // ------------------------------------------------------------------------ scenarios

  /** One measured run: elapsed seconds, tasks/s, and CreateTask tasks/s (NaN if none). */
  record Run(double seconds, double tasksPerSecond, double enqueuePerSecond) {}

  private interface Scenario {
    String name();

    /** Tasks/s the scenario's rate limits allow at most for {@code n} tasks; infinite if none. */
    double ceiling(int n);

    Run run(String runId, int n) throws Exception;
  }

  /** Tasks created into paused queues, then the queues resumed: dispatch alone is timed. */
  private static final class EmulatorScenario implements Scenario {
    private final String name;
    private final String prefix;
    private final CloudTasksEmulator emulator;
    private final CloudTasksClient client;
    private final NoopReceiver receiver;
    private final int queueCount;
    private final double rate;

    EmulatorScenario(
        String name,
        String prefix,
        CloudTasksEmulator emulator,
        CloudTasksClient client,
        NoopReceiver receiver,
        int queueCount,
        double rate) {
      this.name = name;
      this.prefix = prefix;
      this.emulator = emulator;
      this.client = client;
      this.receiver = receiver;
      this.queueCount = queueCount;
      this.rate = rate;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double ceiling(int n) {
      // Each queue's bucket starts full (burst = rate/5, at most 500) and refills at the rate.
      double burst = queueCount * Math.max(1, Math.min(500, Math.ceil(rate / 5)));
      double totalRate = queueCount * rate;
      return n <= burst ? Double.POSITIVE_INFINITY : n / ((n - burst) / totalRate);
    }

    @Override
    public Run run(String runId, int n) throws Exception {
      List<String> queues = new ArrayList<>();
      for (int q = 0; q < queueCount; q++) {
        String queue = LOCATION + "/queues/" + prefix + "-" + runId + "-q" + q;
        client.createQueue(
            LOCATION,
            Queue.newBuilder()
                .setName(queue)
                .setRateLimits(
                    RateLimits.newBuilder()
                        .setMaxDispatchesPerSecond(rate)
                        .setMaxConcurrentDispatches(MAX_CONCURRENT))
                .build());
        client.pauseQueue(queue);
        queues.add(queue);
      }

      long enqueueStart = System.nanoTime();
      createTasks(queues, n);
      double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
      long waiting = sum(emulator.stats(), queues, EmulatorStats.Queue::tasks);
      if (waiting != n) {
        throw new IllegalStateException("expected " + n + " waiting tasks, found " + waiting);
      }

      NoopReceiver.Expectation expectation = receiver.expect(n);
      long start = System.nanoTime();
      for (String queue : queues) {
        client.resumeQueue(queue);
      }
      long end = expectation.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (end < 0) {
        throw new IllegalStateException(
            name
                + ": the receiver got "
                + (receiver.received() - (expectation.target - n))
                + " of "
                + n
                + " requests in "
                + RUN_TIMEOUT
                + "; emulator stats "
                + emulator.stats());
      }
      double seconds = (end - start) / 1e9;

      // Let the emulator book the last completions, then check that nothing was lost or doubled.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long successes;
      while ((successes = sum(emulator.stats(), queues, EmulatorStats.Queue::successes)) < n
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      if (successes != n || receiver.received() != expectation.target) {
        throw new IllegalStateException(
            name
                + ": "
                + successes
                + " successes, receiver count "
                + receiver.received()
                + " (expected "
                + expectation.target
                + "), stats "
                + emulator.stats());
      }
      for (String queue : queues) {
        client.deleteQueue(queue);
      }
      return new Run(seconds, n / seconds, n / enqueueSeconds);
    }

    /** CreateTask through the client's async callable, {@value #CREATE_IN_FLIGHT} in flight. */
    private void createTasks(List<String> queues, int n) throws InterruptedException {
      Semaphore permits = new Semaphore(CREATE_IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      String url = receiver.url(PATH);
      ByteString body = ByteString.copyFrom(BODY);
      for (int i = 0; i < n && failure.get() == null; i++) {
        permits.acquire();
        CreateTaskRequest request =
            CreateTaskRequest.newBuilder()
                .setParent(queues.get(i % queues.size()))
                .setTask(
                    Task.newBuilder()
                        .setHttpRequest(
                            HttpRequest.newBuilder()
                                .setUrl(url)
                                .setHttpMethod(HttpMethod.POST)
                                .putHeaders("Content-Type", CONTENT_TYPE)
                                .setBody(body)))
                .build();
        ApiFuture<Task> created = client.createTaskCallable().futureCall(request);
        ApiFutures.addCallback(
            created,
            new ApiFutureCallback<>() {
              @Override
              public void onFailure(Throwable t) {
                failure.compareAndSet(null, t);
                permits.release();
              }

              @Override
              public void onSuccess(Task task) {
                permits.release();
              }
            },
            Runnable::run);
      }
      permits.acquire(CREATE_IN_FLIGHT);
      permits.release(CREATE_IN_FLIGHT);
      if (failure.get() != null) {
        throw new IllegalStateException("CreateTask failed", failure.get());
      }
    }

    private static long sum(
        EmulatorStats stats,
        List<String> queues,
        java.util.function.ToLongFunction<EmulatorStats.Queue> counter) {
      long total = 0;
      for (String queue : queues) {
        EmulatorStats.Queue q = stats.queues().get(queue);
        if (q != null) {
          total += counter.applyAsLong(q);
        }
      }
      return total;
    }
  }

  /**
   * The baseline: the same requests posted straight to the receiver by a {@link HttpClient} set up
   * as the emulator's {@code Dispatcher} sets up its own (HTTP/1.1, virtual-thread executor,
   * response bodies discarded), one {@link java.net.http.HttpRequest} built per request with the
   * headers Cloud Tasks adds, {@value #DIRECT_IN_FLIGHT} in flight.
   */
  private static final class DirectHttp implements Scenario, AutoCloseable {
    private final NoopReceiver receiver;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    DirectHttp(NoopReceiver receiver) {
      this.receiver = receiver;
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .followRedirects(HttpClient.Redirect.NEVER)
              .executor(executor)
              .build();
    }

    @Override
    public String name() {
      return "Baseline: direct HTTP, no emulator (1000 in flight)";
    }

    @Override
    public double ceiling(int n) {
      return Double.POSITIVE_INFINITY;
    }

    @Override
    public Run run(String runId, int n) throws Exception {
      URI uri = URI.create(receiver.url(PATH));
      Semaphore permits = new Semaphore(DIRECT_IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong non2xx = new AtomicLong();
      NoopReceiver.Expectation expectation = receiver.expect(n);
      long start = System.nanoTime();
      String eta = String.format(Locale.ROOT, "%d.%06d", Instant.now().getEpochSecond(), 0);
      for (int i = 0; i < n && failure.get() == null; i++) {
        permits.acquire();
        java.net.http.HttpRequest request =
            java.net.http.HttpRequest.newBuilder(uri)
                .timeout(DISPATCH_DEADLINE)
                .method("POST", java.net.http.HttpRequest.BodyPublishers.ofByteArray(BODY))
                .setHeader("Content-Type", CONTENT_TYPE)
                .setHeader("User-Agent", "Google-Cloud-Tasks")
                .setHeader("X-CloudTasks-QueueName", "direct-" + runId)
                .setHeader("X-CloudTasks-TaskName", Long.toUnsignedString(i * 0x9E3779B97F4A7C15L))
                .setHeader("X-CloudTasks-TaskRetryCount", "0")
                .setHeader("X-CloudTasks-TaskExecutionCount", "0")
                .setHeader("X-CloudTasks-TaskETA", eta)
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (response, error) -> {
                  if (error != null) {
                    failure.compareAndSet(null, error);
                  } else if (response.statusCode() / 100 != 2) {
                    non2xx.incrementAndGet();
                  }
                  permits.release();
                });
      }
      if (failure.get() != null) {
        throw new IllegalStateException("direct POST failed", failure.get());
      }
      long end = expectation.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (end < 0) {
        throw new IllegalStateException("direct HTTP: the receiver did not get all requests");
      }
      permits.acquire(DIRECT_IN_FLIGHT);
      permits.release(DIRECT_IN_FLIGHT);
      if (failure.get() != null || non2xx.get() > 0) {
        throw new IllegalStateException(
            "direct HTTP: " + non2xx.get() + " non-2xx answers", failure.get());
      }
      double seconds = (end - start) / 1e9;
      return new Run(seconds, n / seconds, Double.NaN);
    }

    @Override
    public void close() {
      http.shutdownNow();
      executor.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------ report

  private static String report(int n, Instant started, Map<Scenario, List<Run>> results) {
    Scenario baseline = results.keySet().iterator().next();
    double baselineMedian = median(results.get(baseline), Run::tasksPerSecond);
    StringBuilder md = new StringBuilder();
    md.append("# Emulator dispatch throughput\n\n");
    md.append(
        "Benchmark: `dev.simrun.bench.EmulatorDispatchBenchmark` (see `bench/README.md`).\n\n");
    md.append(
            "- Date: "
                + DateTimeFormatter.ISO_INSTANT.format(
                    started.atOffset(ZoneOffset.UTC).withNano(0).toInstant()))
        .append('\n');
    md.append("- Code: ").append(Machine.revision()).append('\n');
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- N = ")
        .append(String.format(Locale.ROOT, "%,d", n))
        .append(" tasks per run; ")
        .append(WARMUPS)
        .append(" warm-up run then ")
        .append(RUNS)
        .append(" measured runs per scenario, scenarios interleaved round by round\n");
    md.append("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+):\n\n");
    md.append("  ```sh\n  ").append(COMMAND).append("\n  ```\n\n");
    md.append("  or `./simrun bench emulator [N]`, which picks a JDK and does the same.\n\n");

    md.append(
        "| Scenario | median tasks/s | min | max | median time (s) | vs baseline |"
            + " ceiling set by rate limits | CreateTask (gRPC) median tasks/s |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Scenario, List<Run>> e : results.entrySet()) {
      List<Run> runs = e.getValue();
      double median = median(runs, Run::tasksPerSecond);
      double ceiling = e.getKey().ceiling(n);
      double enqueue = median(runs, Run::enqueuePerSecond);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f | %,.0f | %.3f | %s | %s | %s |\n",
              e.getKey().name(),
              median,
              min(runs),
              max(runs),
              median(runs, Run::seconds),
              e.getKey() == baseline
                  ? "1 (baseline)"
                  : String.format(Locale.ROOT, "%.2f", median / baselineMedian)
                      + (median >= 0.95 * ceiling ? " (at its rate-limit ceiling)" : ""),
              Double.isInfinite(ceiling) ? "none" : String.format(Locale.ROOT, "%,.0f", ceiling),
              Double.isNaN(enqueue) ? "n/a" : String.format(Locale.ROOT, "%,.0f", enqueue)));
    }
    md.append("\nEvery measured run, tasks/s:\n\n");
    for (Map.Entry<Scenario, List<Run>> e : results.entrySet()) {
      md.append("- ").append(e.getKey().name()).append(": ");
      md.append(
          String.join(
              ", ",
              e.getValue().stream()
                  .map(r -> String.format(Locale.ROOT, "%,.0f", r.tasksPerSecond()))
                  .toList()));
      md.append('\n');
    }
    md.append("\nTarget: at least ")
        .append(String.format(Locale.ROOT, "%,.0f", TARGET_TASKS_PER_SECOND))
        .append(" tasks/s on 2 cores.");
    for (Map.Entry<Scenario, List<Run>> e : results.entrySet()) {
      if (e.getKey() != baseline) {
        double median = median(e.getValue(), Run::tasksPerSecond);
        md.append(' ')
            .append(e.getKey().name(), 0, 1)
            .append(median >= TARGET_TASKS_PER_SECOND ? ": met" : ": NOT met")
            .append(String.format(Locale.ROOT, " (median %,.0f).", median));
      }
    }
    md.append("\n\n## Notes\n\n");
    md.append(
        """
        - Everything runs in one JVM on the same cores: the receiver, the emulator (gRPC, front \
        door, dispatcher) and the client or load generator. The figures are what the whole \
        loopback setup reaches, not the emulator in isolation.
        - Receiver: a no-op Netty 4.2 HTTP/1.1 server (NIO, %d event-loop threads) on 127.0.0.1 \
        that answers 204 at once and counts requests; the same receiver serves every scenario.
        - A and B: the N tasks (POST, %d-byte JSON body, `Content-Type` header) are created up \
        front through the real `CloudTasksClient` over gRPC (plaintext, `NoCredentialsProvider`, \
        `createTaskCallable().futureCall`, %d in flight) into paused queues, fresh queues each \
        run. The clock starts just before the first `ResumeQueue` call and stops at the \
        receiver's N-th request (`System.nanoTime()` taken on the receiver's event loop). \
        Creating the tasks is not timed; its rate is shown separately in the last column.
        - A is bounded by design: each queue's bucket starts with its burst (100 tokens) and \
        refills at 500/s, so 8 queues allow about N / ((N - 800) / 4000) tasks/s (the ceiling \
        column). B lifts the per-queue cap (`maxDispatchesPerSecond(100_000)`, not faithful to \
        Cloud Tasks) to measure the emulator itself.
        - Baseline: `java.net.http.HttpClient` set up like the emulator's dispatcher (HTTP/1.1, \
        virtual-thread executor, bodies discarded), one request built per task with the same \
        body and the headers Cloud Tasks adds, %d in flight (sendAsync + Semaphore), clocked the \
        same way from the first send to the receiver's N-th request.
        - The baseline and B finish in about a second at N = 20,000, so on 2 shared cores they \
        vary from run to run (see min and max); pass a larger N for longer runs. A runs for about \
        5 s at its rate-limit ceiling and barely varies.
        - Each run checks that the receiver got exactly N requests and (A, B) that the emulator \
        booked N successes. `System.gc()` runs before each run.
        - Logging: `bench/src/main/resources/logback.xml` sets `simrun.emulator.dispatch` (one \
        line per dispatch) to OFF and the root logger to WARN.
        """
            .formatted(RECEIVER_THREADS, BODY.length, CREATE_IN_FLIGHT, DIRECT_IN_FLIGHT));
    return md.toString();
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
    double[] v = runs.stream().mapToDouble(value).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double min(List<Run> runs) {
    return runs.stream().mapToDouble(Run::tasksPerSecond).min().orElse(Double.NaN);
  }

  private static double max(List<Run> runs) {
    return runs.stream().mapToDouble(Run::tasksPerSecond).max().orElse(Double.NaN);
  }

  /** {@code bench/results} from the repository root, or {@code results} from inside bench. */
  private static Path resultsDir() {
    Path bench = Path.of("bench");
    if (Files.isDirectory(bench.resolve("src"))) {
      return bench.resolve("results");
    }
    return Path.of("results");
  }

  private static CloudTasksClient grpcClient(CloudTasksEmulator emulator) {
    return CloudTasksClients.emulator(emulator.endpoint());
  }
}
