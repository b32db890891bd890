package dev.simrun.bench;

import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import dev.simrun.bench.noop.NoopKind;
import dev.simrun.emulator.tasks.CloudTasksEmulator;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import dev.simrun.shared.testing.PubSubEmulator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N Server-Sent Event clients on one api instance (its own process, {@code -Xmx512m}), 10 per
 * simulation, while {@code chunk.progress} events are published at {@value #RATE}/s through
 * gcloud's Pub/Sub emulator, as workers publish them. Records the streams the api holds, its heap
 * after a full GC, and publish → receive latency from a timestamp inside each event.
 *
 * <p>Baseline, in the same run: a plain Pub/Sub subscriber in the benchmark process on the same
 * topic, i.e. what the emulator alone costs. The difference is the api's own path: its
 * subscription, the hub, the stream's buffer, Netty, the loopback socket and the client's parser.
 */
public final class SseLoadBenchmark {
  static final int RATE = 1_000;
  static final int PER_SIMULATION = 10;

  /**
   * Simulations that receive events; the others' streams stay idle. Each is an ordering key, and
   * the Pub/Sub emulator slows down past a few hundred keys at once (the baseline subscriber, alone
   * on the topic, then saw p99 above 20 s), which would measure the emulator, not the api.
   */
  static final int ACTIVE = 100;

  static final Duration WARMUP = Duration.ofSeconds(10);

  /** Measured windows, one after the other on the same streams; the report gives their medians. */
  static final int ROUNDS = 3;

  static final Duration MEASURE = Duration.ofSeconds(30);
  static final String PROJECT = "simrun-local";
  static final String TOPIC = "simulation-events";
  static final Pattern SENT = Pattern.compile("\"sent\":(\\d+)");
  static final Pattern STREAMS = Pattern.compile("\"streams\":(\\d+)");

  private SseLoadBenchmark() {}

  /** Latencies in nanoseconds of the events sent within the measured window. */
  static final class Recorder {
    final long[] samples;
    final long[] sentAt;
    final AtomicInteger count = new AtomicInteger();
    final AtomicLong dropped = new AtomicLong();
    volatile long from = Long.MAX_VALUE;
    volatile long to = Long.MAX_VALUE;

    Recorder(int capacity) {
      samples = new long[capacity];
      sentAt = new long[capacity];
    }

    void window(long fromNanos, long toNanos) {
      from = fromNanos;
      to = toNanos;
    }

    void record(long sentNanos) {
      if (sentNanos - from < 0 || sentNanos - to >= 0) {
        return;
      }
      int i = count.getAndIncrement();
      if (i < samples.length) {
        samples[i] = System.nanoTime() - sentNanos;
        sentAt[i] = sentNanos;
      } else {
        dropped.incrementAndGet();
      }
    }

    /** Latencies (ms) of the events sent in {@code [fromNanos, toNanos)}. */
    double[] millis(long fromNanos, long toNanos) {
      int n = Math.min(count.get(), samples.length);
      return java.util.stream.IntStream.range(0, n)
          .filter(i -> sentAt[i] - fromNanos >= 0 && sentAt[i] - toNanos < 0)
          .mapToDouble(i -> samples[i] / 1e6)
          .toArray();
    }
  }

  /** One SSE client: counts its snapshot, records each progress event's latency. */
  static final class Client implements java.util.function.Consumer<String> {
    final Recorder recorder;
    final CountDownLatch ready;
    final AtomicInteger closed;
    String event;
    boolean snapshot;

    Client(Recorder recorder, CountDownLatch ready, AtomicInteger closed) {
      this.recorder = recorder;
      this.ready = ready;
      this.closed = closed;
    }

    @Override
    public void accept(String line) {
      if (line.startsWith("event:")) {
        event = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        if ("chunk.progress".equals(event)) {
          Matcher m = SENT.matcher(line);
          if (m.find()) {
            recorder.record(Long.parseLong(m.group(1)));
          }
        } else if ("snapshot".equals(event) && !snapshot) {
          snapshot = true;
          ready.countDown();
        }
      }
    }

    void closed() {
      closed.incrementAndGet();
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> options = List.of(args);
    boolean profile = options.contains("--profile");
    int clients =
        options.stream()
            .filter(a -> !a.startsWith("--"))
            .findFirst()
            .map(Integer::parseInt)
            .orElse(10_000);
    int simulations = Math.max(1, clients / PER_SIMULATION);
    Instant started = Instant.now();
    Path runDir = Stats.runDir("sse", started);
    System.out.printf(
        Locale.ROOT,
        "SSE load: %d clients on %d simulations, %d events/s; logs in %s%n",
        clients,
        simulations,
        RATE,
        runDir);
    String postgres;
    List<String> apiJvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    apiJvm.add("-Xmx512m");
    if (profile) {
      Files.createDirectories(runDir);
      apiJvm.add(
          "-XX:StartFlightRecording=filename="
              + runDir.resolve("api.jfr")
              + ",settings=profile,dumponexit=true");
    }
    Result result;
    try (BenchPostgres pg = BenchPostgres.start();
        PubSubEmulator pubsub = PubSubEmulator.start();
        CloudTasksEmulator tasks = CloudTasksEmulator.builder().port(0).start()) {
      postgres = pg.describe();
      pauseQueues(tasks);
      Map<String, String> env =
          ServiceProcess.serviceEnv(
              pg.createDatabase("simrun_sse"), PROJECT, "local", tasks.endpoint());
      env.put("SIMRUN_PUBSUB_ENABLED", "true");
      env.put("SIMRUN_PUBSUB_CREATE_TOPICS", "true");
      env.put("SIMRUN_PUBSUB_PROJECT", PROJECT);
      env.put("PUBSUB_EMULATOR_HOST", pubsub.host());
      // Every stream is user bench's: the per-owner cap goes up to the instance's.
      env.put("SIMRUN_STREAM_MAX_STREAMS_PER_OWNER", "20000");
      try (ServiceProcess api =
          ServiceProcess.start(
              "api",
              ServiceProcess.freePort(),
              "dev.simrun.api.Application",
              "worker",
              env,
              apiJvm,
              runDir)) {
        result = measure(api, pubsub, clients, simulations);
      }
    }
    String report = report(started, postgres, apiJvm, clients, simulations, result);
    System.out.println();
    System.out.println(report);
    if (profile) {
      System.out.println("Profile run: results not written; JFR: " + runDir.resolve("api.jfr"));
    } else {
      Path out = Stats.resultsDir().resolve("sse-load.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("Written to " + out.toAbsolutePath().normalize());
    }
    System.exit(0);
  }

  record Result(
      int held,
      int closed,
      double connectSeconds,
      long heapIdleKb,
      long heapAfterKb,
      long published,
      long expected,
      long received,
      List<double[]> api,
      List<double[]> baseline) {}

  static Result measure(ServiceProcess api, PubSubEmulator pubsub, int clients, int simulations)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
            .build();
    List<UUID> ids = new ArrayList<>(simulations);
    for (int i = 0; i < simulations; i++) {
      ids.add(submit(http, api));
    }
    Recorder viaApi = new Recorder(RATE * PER_SIMULATION * (int) MEASURE.toSeconds() * ROUNDS + 1);
    Recorder direct = new Recorder(RATE * (int) MEASURE.toSeconds() * ROUNDS + 1);
    CountDownLatch ready = new CountDownLatch(clients);
    AtomicInteger closed = new AtomicInteger();
    long connectStart = System.nanoTime();
    SseLoadClient sse = new SseLoadClient("127.0.0.1", api.port(), 2);
    for (int c = 0; c < clients; c++) {
      UUID id = ids.get(c % simulations);
      Client client = new Client(viaApi, ready, closed);
      sse.open("/api/v1/simulations/" + id + "/events", "bench", client, client::closed);
      if (c % 200 == 199) {
        // Ramp: let the api accept a batch before the next one.
        while (ready.getCount() > clients - c - 1 + 200) {
          Thread.sleep(5);
        }
      }
    }
    if (!ready.await(180, TimeUnit.SECONDS)) {
      throw new IllegalStateException(ready.getCount() + " clients got no snapshot in 180 s");
    }
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    System.out.printf(Locale.ROOT, "  %d streams open in %.1f s%n", clients, connectSeconds);
    Thread.sleep(2_000);
    int held = streamsHeld(http, api);
    long heapIdle = heapAfterGc(api.pid());
    System.out.printf(
        Locale.ROOT, "  api holds %d streams; heap after GC %d KiB%n", held, heapIdle);

    ManagedChannel channel = ManagedChannelBuilder.forTarget(pubsub.host()).usePlaintext().build();
    FixedTransportChannelProvider channels =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    String subscription = "projects/" + PROJECT + "/subscriptions/bench-baseline";
    try (SubscriptionAdminClient admin =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channels)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      admin.createSubscription(
          Subscription.newBuilder()
              .setName(subscription)
              .setTopic("projects/" + PROJECT + "/topics/" + TOPIC)
              .setEnableMessageOrdering(true)
              .build());
    }
    Subscriber baseline =
        Subscriber.newBuilder(
                ProjectSubscriptionName.parse(subscription),
                (PubsubMessage m, com.google.cloud.pubsub.v1.AckReplyConsumer reply) -> {
                  Matcher match = SENT.matcher(m.getData().toStringUtf8());
                  if (match.find()) {
                    direct.record(Long.parseLong(match.group(1)));
                  }
                  reply.ack();
                })
            .setChannelProvider(channels)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    baseline.startAsync().awaitRunning();
    Publisher publisher =
        Publisher.newBuilder(TopicName.of(PROJECT, TOPIC))
            .setChannelProvider(channels)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setEnableMessageOrdering(true)
            .setBatchingSettings(
                BatchingSettings.newBuilder()
                    .setElementCountThreshold(100L)
                    .setRequestByteThreshold(1_000_000L)
                    .setDelayThresholdDuration(Duration.ofMillis(10))
                    .build())
            .build();
    long published = 0;
    long inWindow = 0;
    long tickNanos = 10_000_000; // 10 events every 10 ms
    long start = System.nanoTime();
    long measureFrom = start + WARMUP.toNanos();
    long measureTo = measureFrom + MEASURE.toNanos() * ROUNDS;
    viaApi.window(measureFrom, measureTo);
    direct.window(measureFrom, measureTo);
    for (long tick = 0; ; tick++) {
      long due = start + tick * tickNanos;
      if (due >= measureTo) {
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      boolean measuring = due >= measureFrom;
      String owner = ServiceProcess.ownerOf("bench");
      for (int k = 0; k < RATE / 100; k++) {
        UUID id = ids.get((int) (published % Math.min(ACTIVE, simulations)));
        long sent = System.nanoTime();
        if (sent - measureTo >= 0) {
          break;
        }
        measuring = sent - measureFrom >= 0;
        String json =
            "{\"v\":1,\"type\":\"chunk.progress\",\"simulationId\":\""
                + id
                + "\",\"owner\":\""
                + owner
                + "\",\"at\":\""
                + Instant.now()
                + "\",\"data\":{\"chunk\":0,\"fraction\":0.5,\"sent\":"
                + sent
                + "}}";
        publisher.publish(
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFromUtf8(json))
                .setOrderingKey(id.toString())
                .putAttributes("simulationId", id.toString())
                .putAttributes("owner", owner)
                .putAttributes("type", "chunk.progress")
                .putAttributes("v", "1")
                .build());
        published++;
        if (measuring) {
          inWindow++;
        }
      }
    }
    Thread.sleep(3_000); // the window's last events arrive
    publisher.shutdown();
    publisher.awaitTermination(10, TimeUnit.SECONDS);
    baseline.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
    channel.shutdownNow();
    long heapAfter = heapAfterGc(api.pid());
    int heldAfter = streamsHeld(http, api);
    int closedDuringRun = closed.get();
    sse.close();
    System.out.printf(
        Locale.ROOT,
        "  published %d (%d measured); api delivered %d of %d; heap after GC %d KiB; streams %d%n",
        published,
        inWindow,
        viaApi.count.get(),
        inWindow * PER_SIMULATION,
        heapAfter,
        heldAfter);
    List<double[]> apiRounds = new ArrayList<>();
    List<double[]> baselineRounds = new ArrayList<>();
    for (int r = 0; r < ROUNDS; r++) {
      long from = measureFrom + r * MEASURE.toNanos();
      long to = from + MEASURE.toNanos();
      apiRounds.add(viaApi.millis(from, to));
      baselineRounds.add(direct.millis(from, to));
    }
    return new Result(
        Math.min(held, heldAfter),
        closedDuringRun,
        connectSeconds,
        heapIdle,
        heapAfter,
        inWindow,
        inWindow * PER_SIMULATION,
        Math.min(viaApi.count.get(), viaApi.samples.length),
        apiRounds,
        baselineRounds);
  }

  static void pauseQueues(CloudTasksEmulator tasks) throws Exception {
    try (CloudTasksClient client = CloudTasksClients.emulator(tasks.endpoint())) {
      for (String q :
          List.of(
              "simulations-interactive",
              "simulations-batch",
              "simulations-interactive-io",
              "simulations-batch-io",
              "simulations-finalize")) {
        String parent = "projects/" + PROJECT + "/locations/local";
        client.createQueue(
            parent,
            com.google.cloud.tasks.v2.Queue.newBuilder().setName(parent + "/queues/" + q).build());
        client.pauseQueue(parent + "/queues/" + q);
      }
    }
  }

  static UUID submit(HttpClient http, ServiceProcess api) throws Exception {
    String body =
        """
        {"kind": "%s", "name": "sse benchmark", "params": {"units": 1}}
        """
            .formatted(NoopKind.NAME);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/simulations"))
                .header("Content-Type", "application/json")
                .header("Authorization", ServiceProcess.bearer("bench"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    }
    Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(r.body());
    if (!m.find()) {
      throw new IllegalStateException("no id in " + r.body());
    }
    return UUID.fromString(m.group(1));
  }

  static int streamsHeld(HttpClient http, ServiceProcess api) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api.url() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = STREAMS.matcher(r.body());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The api's used heap in KiB right after a full collection (jcmd GC.run, then jstat). */
  static long heapAfterGc(long pid) throws Exception {
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    new ProcessBuilder(bin.resolve("jcmd").toString(), Long.toString(pid), "GC.run")
        .redirectErrorStream(true)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
    Process jstat =
        new ProcessBuilder(bin.resolve("jstat").toString(), "-gc", Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    List<String> lines =
        new String(jstat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    String[] head = lines.get(0).trim().split("\\s+");
    String[] values = lines.get(1).trim().split("\\s+");
    double used = 0;
    for (int i = 0; i < head.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
        used += Double.parseDouble(values[i]);
      }
    }
    return Math.round(used);
  }

  static String row(String name, List<double[]> rounds) {
    return String.format(
        Locale.ROOT,
        "| %s | %,.0f | %.1f | %.1f | **%.1f** | %.1f |%n",
        name,
        Stats.median(rounds, v -> v.length),
        Stats.median(rounds, v -> Stats.percentile(v, 50)),
        Stats.median(rounds, v -> Stats.percentile(v, 90)),
        Stats.median(rounds, v -> Stats.percentile(v, 99)),
        Stats.median(rounds, v -> Stats.percentile(v, 100)));
  }

  static String report(
      Instant started,
      String postgres,
      List<String> apiJvm,
      int clients,
      int simulations,
      Result r) {
    StringBuilder b = new StringBuilder();
    b.append("# SSE load: ").append(clients).append(" streams on one api instance\n\n");
    b.append("Benchmark: `dev.simrun.bench.SseLoadBenchmark` (see `bench/README.md`).\n\n");
    b.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    b.append("- Code: ").append(Machine.revision()).append('\n');
    Machine.describe().forEach(line -> b.append(line).append('\n'));
    b.append("- PostgreSQL: ").append(postgres).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "- Load: %,d SSE clients (Netty, 2 event-loop threads, one connection each, in the"
                + " benchmark process), %d per simulation over %,d simulations; `chunk.progress`"
                + " events published at %,d/s round robin over %d of those simulations (the other"
                + " streams idle), with ordering key = simulation and 10 ms batches as workers"
                + " publish, to gcloud's Pub/Sub emulator; %d s warm-up, then %d × %d s measured%n",
            clients,
            PER_SIMULATION,
            simulations,
            RATE,
            Math.min(ACTIVE, simulations),
            WARMUP.toSeconds(),
            ROUNDS,
            MEASURE.toSeconds()));
    b.append("- api: its own process, JVM ").append(apiJvm).append(", default configuration\n");
    b.append("- Reproduce: `./simrun bench sse [N]`\n\n");
    b.append("## Results\n\n");
    b.append("| | value | goal |\n|---|---:|---|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| streams held by the api | %,d of %,d | 10,000 at ≤ 512 MB heap: **%s** |%n",
            r.held(),
            clients,
            r.held() >= 10_000 && r.closed() == 0 ? "met" : "not met"));
    b.append(
        String.format(
            Locale.ROOT,
            "| streams closed by the api during the run | %d | 0 |%n"
                + "| time to open all streams (each until its snapshot) | %.1f s | |%n"
                + "| api heap used after a full GC, streams idle | %.1f MiB | |%n"
                + "| api heap used after a full GC, after the load | %.1f MiB | |%n"
                + "| events published in the measured window | %,d | |%n"
                + "| deliveries expected / received by the clients | %,d / %,d | |%n",
            r.closed(),
            r.connectSeconds(),
            r.heapIdleKb() / 1024.0,
            r.heapAfterKb() / 1024.0,
            r.published(),
            r.expected(),
            r.received()));
    b.append(
        String.format(
            Locale.ROOT,
            "%nPublish → receive latency (ms), every delivery; %d windows of %d s on the same"
                + " streams, medians of the windows' percentiles:%n%n",
            ROUNDS,
            MEASURE.toSeconds()));
    b.append("| path | deliveries per window | p50 | p90 | p99 | max |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    b.append(row("Baseline: Pub/Sub emulator → a plain subscriber", r.baseline()));
    b.append(row("SimRun: Pub/Sub → api → SSE client", r.api()));
    b.append("\nEach window (p50 / p99 ms, baseline then SimRun):\n\n");
    for (int i = 0; i < r.api().size(); i++) {
      b.append(
          String.format(
              Locale.ROOT,
              "- window %d: %.1f / %.1f, %.1f / %.1f%n",
              i + 1,
              Stats.percentile(r.baseline().get(i), 50),
              Stats.percentile(r.baseline().get(i), 99),
              Stats.percentile(r.api().get(i), 50),
              Stats.percentile(r.api().get(i), 99)));
    }
    double p99 = Stats.median(r.api(), v -> Stats.percentile(v, 99));
    b.append(
        String.format(
            Locale.ROOT,
            "%nGoal: p99 ≤ 150 ms: **%s** (median of the windows' p99: %.1f ms).%n",
            p99 <= 150 ? "met" : "not met",
            p99));
    b.append(
        "\n## Notes\n\n"
            + "- Latency runs from `System.nanoTime()` written into the event by the publisher to"
            + " the moment the client parsed its `data:` line; publisher and clients share the"
            + " benchmark JVM, so the clocks agree. It includes the publisher's 10 ms batching.\n"
            + "- The baseline subscriber reads the same topic in the same run through its own"
            + " subscription: the emulator's share of the latency.\n"
            + "- Everything (PostgreSQL, the Pub/Sub emulator's JVM, the api's JVM, the benchmark"
            + " JVM with the client connections, the publisher and the baseline subscriber)"
            + " shares the same cores.\n"
            + "- An event counts when it was sent inside the measured window, wherever it"
            + " arrives; received < expected means progress events were dropped (a stream's"
            + " buffer full) or lost.\n"
            + "- Heap is read with `jcmd <pid> GC.run` and `jstat -gc` (S0U + S1U + EU + OU).\n");
    return b.toString();
  }
}
