package dev.simrun.worker.chunks;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.worker.WorkerConfig;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * How many chunks this instance runs at once: at most {@code max-concurrent-chunks} CPU-bound ones
 * and, besides them, {@code max-concurrent-io-chunks} I/O-bound ones (by the kind's {@link
 * SimulationKind#chunkLoad()}). A push that finds every slot of its load busy waits for one in a
 * bounded waiting room, interactive chunks ahead of batch ones ({@link PrioritySlots}); one that
 * finds the room full or waits past {@code admission-wait} is refused before its chunk is claimed.
 *
 * <p>The kind and priority of a simulation are read once per simulation (a plain SELECT) and
 * remembered: the task body names only the chunk, and neither ever changes.
 */
@Singleton
public class ChunkSlots {
  private static final int REMEMBERED = 10_000;

  /** The kind of a chunk whose simulation does not exist (a stale task). */
  public static final String UNKNOWN_KIND = "unknown";

  private final PrioritySlots cpu;
  private final PrioritySlots io;
  private final Duration maxWait;
  private final ChunkStore chunks;
  private final SimulationKinds kinds;
  private final Map<UUID, Route> routes =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Route> eldest) {
              return size() > REMEMBERED;
            }
          });

  private record Route(String kind, ChunkLoad load, Priority priority) {}

  public ChunkSlots(WorkerConfig config, ChunkStore chunks, SimulationKinds kinds) {
    int cpuLimit = config.cpuChunkLimit();
    int ioLimit = config.maxConcurrentIoChunks();
    this.cpu = new PrioritySlots(cpuLimit, cpuLimit * config.waitingPerSlot(), config.batchShare());
    this.io = new PrioritySlots(ioLimit, ioLimit * config.waitingPerSlot(), config.batchShare());
    this.maxWait = config.admissionWait();
    this.chunks = chunks;
    this.kinds = kinds;
  }

  /** A slot held by one running chunk; closing gives it back. */
  public static final class Slot implements AutoCloseable {
    private final Route route;
    private final Duration waited;
    private PrioritySlots from;

    private Slot(Route route, Duration waited, PrioritySlots from) {
      this.route = route;
      this.waited = waited;
      this.from = from;
    }

    public ChunkLoad load() {
      return route.load();
    }

    /** The kind of the chunk's simulation ({@code unknown} when there is no such simulation). */
    public String kind() {
      return route.kind();
    }

    public Priority priority() {
      return route.priority();
    }

    /** How long the chunk waited for its slot. */
    public Duration waited() {
      return waited;
    }

    @Override
    public void close() {
      if (from != null) {
        from.release();
        from = null;
      }
    }
  }

  /**
   * A slot for a chunk of {@code simulationId}, waiting for one while every slot of its load is
   * busy; empty when this instance cannot take the chunk in time.
   */
  public Optional<Slot> acquire(UUID simulationId) throws InterruptedException {
    Route route = routeOf(simulationId);
    PrioritySlots slots = route.load() == ChunkLoad.IO ? io : cpu;
    return slots.acquire(route.priority(), maxWait).map(w -> new Slot(route, w, slots));
  }

  /** The kind and priority of {@code simulationId}'s chunks, as {@link #acquire} saw them. */
  public ChunkStore.Routing routing(UUID simulationId) {
    Route route = routeOf(simulationId);
    return new ChunkStore.Routing(route.kind(), route.priority());
  }

  /** The limit for chunks of {@code load}. */
  public int limit(ChunkLoad load) {
    return (load == ChunkLoad.IO ? io : cpu).limit();
  }

  /** Chunks of {@code load} running now. */
  public int running(ChunkLoad load) {
    return (load == ChunkLoad.IO ? io : cpu).running();
  }

  /** Chunks of {@code load} waiting for a slot now. */
  public int waiting(ChunkLoad load) {
    return (load == ChunkLoad.IO ? io : cpu).waiting();
  }

  /**
   * An unknown simulation or kind counts as CPU-bound and interactive; its claim will say what is
   * wrong.
   */
  private Route routeOf(UUID simulationId) {
    Route known = routes.get(simulationId);
    if (known != null) {
      return known;
    }
    Optional<ChunkStore.Routing> routing = chunks.routingOf(simulationId);
    if (routing.isEmpty()) {
      return new Route(UNKNOWN_KIND, ChunkLoad.CPU, Priority.INTERACTIVE);
    }
    ChunkLoad load =
        kinds.find(routing.get().kind()).map(SimulationKind::chunkLoad).orElse(ChunkLoad.CPU);
    Route route = new Route(routing.get().kind(), load, routing.get().priority());
    routes.put(simulationId, route);
    return route;
  }
}
