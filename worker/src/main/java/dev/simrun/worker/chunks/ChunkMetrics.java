package dev.simrun.worker.chunks;

import dev.simrun.shared.simulations.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's chunk metrics (docs/metrics.md): attempts started, succeeded, failed, dead-lettered
 * and refused, by kind and priority; how long an attempt ran and how long its task waited. Labels
 * are bounded: kinds are compiled in, priorities and outcomes are enums. Without a meter registry
 * (metrics switched off) every meter is a no-op.
 */
@Singleton
public class ChunkMetrics {
  /** Seconds to hours: a chunk runs at most 30 minutes; a batch task may wait for hours. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(15),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10),
    Duration.ofMinutes(20),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(2),
    Duration.ofHours(6)
  };

  /**
   * The names these meters have in the Prometheus text, histograms by their base name
   * (docs/metrics.md; the Terraform alerts and dashboard may use only documented, registered
   * names).
   */
  public static final List<String> PROMETHEUS_NAMES =
      List.of(
          "simrun_chunks_started_total",
          "simrun_chunks_succeeded_total",
          "simrun_chunks_failed_total",
          "simrun_chunks_dead_lettered_total",
          "simrun_chunks_refused_total",
          "simrun_chunk_duration_seconds",
          "simrun_chunk_queue_wait_seconds");

  /** The reason of the worker's 429: every slot busy and no turn within the admission wait. */
  public static final String REFUSED_BUSY = "slots_busy";

  private final MeterRegistry registry;
  private final Clock clock;

  /**
   * Every meter this has registered, by name and labels: a chunk then costs a map lookup per meter
   * instead of a builder and the registry's own lookup.
   */
  private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

  private record MeterKey(String name, String kind, String priority, @Nullable String label) {}

  public ChunkMetrics(Optional<MeterRegistry> registry, Clock clock) {
    this.registry = registry.orElseGet(CompositeMeterRegistry::new);
    this.clock = clock;
  }

  /** The worker refused a push before claiming its chunk. */
  public void refused(String reason, String kind, Priority priority) {
    ((Counter)
            meters.computeIfAbsent(
                new MeterKey("simrun.chunks.refused", kind, priority.wire(), reason),
                key ->
                    Counter.builder(key.name())
                        .description(
                            "Chunk pushes the worker refused (429) before claiming the chunk")
                        .tags("reason", reason, "kind", kind, "priority", key.priority())
                        .register(registry)))
        .increment();
  }

  /**
   * One delivery of a chunk task that got a slot.
   *
   * @param due when Cloud Tasks made the task due (its {@code X-CloudTasks-TaskETA}): its creation,
   *     or the end of its retry backoff; null when the push did not say
   */
  public Attempt attempt(String kind, Priority priority, @Nullable Instant due) {
    return new Attempt(kind, priority.wire(), due);
  }

  /** Reads {@code X-CloudTasks-TaskETA} (seconds since the epoch, with a fraction); null if bad. */
  public static @Nullable Instant eta(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(header.strip());
      long whole = seconds.longValue();
      long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole, nanos);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /** What one delivery did, recorded when it claimed its chunk and when it ended. */
  public final class Attempt {
    private final String kind;
    private final String priority;
    private final @Nullable Instant due;
    private @Nullable Instant started;

    private Attempt(String kind, String priority, @Nullable Instant due) {
      this.kind = kind;
      this.priority = priority;
      this.due = due;
    }

    /** The chunk was claimed: counts a start and the task's wait from due to now. */
    public void started() {
      started = clock.instant();
      counter("simrun.chunks.started", "Chunk attempts started (claimed)").increment();
      if (due != null) {
        timer("simrun.chunk.queue.wait", "From the task being due to its chunk's claim", null)
            .record(nonNegative(Duration.between(due, started)));
      }
    }

    /** The attempt ended with {@code outcome}; nothing is counted if it never claimed the chunk. */
    public void ended(ChunkOutcome outcome) {
      if (started == null) {
        return;
      }
      String result =
          switch (outcome) {
            case ChunkOutcome.Committed c -> "succeeded";
            case ChunkOutcome.Failed f -> "failed";
            case ChunkOutcome.TimedOut t -> "timed_out";
            case ChunkOutcome.DeadLettered d -> "dead_lettered";
            case ChunkOutcome.Cancelled x -> "cancelled";
            case ChunkOutcome.Superseded s -> "superseded";
            case ChunkOutcome.NothingToDo n -> null;
            case ChunkOutcome.Busy b -> null;
          };
      if (result == null) {
        return;
      }
      switch (result) {
        case "succeeded" ->
            counter("simrun.chunks.succeeded", "Chunk attempts committed").increment();
        case "failed", "timed_out" ->
            counter("simrun.chunks.failed", "Chunk attempts that failed and will be retried")
                .increment();
        case "dead_lettered" ->
            counter("simrun.chunks.dead.lettered", "Chunks that became dead letters").increment();
        default -> {}
      }
      timer("simrun.chunk.duration", "How long a chunk attempt ran, claim to end", result)
          .record(nonNegative(Duration.between(started, clock.instant())));
    }

    private Counter counter(String name, String description) {
      return (Counter)
          meters.computeIfAbsent(
              new MeterKey(name, kind, priority, null),
              key ->
                  Counter.builder(name)
                      .description(description)
                      .tags("kind", kind, "priority", priority)
                      .register(registry));
    }

    private Timer timer(String name, String description, @Nullable String outcome) {
      return (Timer)
          meters.computeIfAbsent(
              new MeterKey(name, kind, priority, outcome),
              key -> {
                Timer.Builder builder =
                    Timer.builder(name)
                        .description(description)
                        .tags("kind", kind, "priority", priority)
                        .serviceLevelObjectives(BUCKETS);
                if (outcome != null) {
                  builder.tag("outcome", outcome);
                }
                return builder.register(registry);
              });
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
