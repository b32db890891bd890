package dev.simrun.worker.chunks;

import dev.simrun.shared.kinds.ChunkLoad;
import dev.simrun.shared.kinds.SimulationKind;
import dev.simrun.shared.kinds.SimulationKinds;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.worker.WorkerConfig;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * How many chunks this instance runs at once: at most {@code max-concurrent-chunks} CPU-bound ones
 * and, besides them, {@code max-concurrent-io-chunks} I/O-bound ones (by the kind's {@link
 * SimulationKind#chunkLoad()}). A push beyond the limit is refused before its chunk is claimed.
 *
 * <p>The kind of a simulation is read once per simulation (a plain SELECT) and remembered: the task
 * body names only the chunk, and a simulation's kind never changes.
 */
@Singleton
public class ChunkSlots {
  private static final int REMEMBERED = 10_000;

  private final Semaphore cpu;
  private final Semaphore io;
  private final int cpuLimit;
  private final int ioLimit;
  private final ChunkStore chunks;
  private final SimulationKinds kinds;
  private final Map<UUID, ChunkLoad> loads =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, ChunkLoad> eldest) {
              return size() > REMEMBERED;
            }
          });

  public ChunkSlots(WorkerConfig config, ChunkStore chunks, SimulationKinds kinds) {
    this.cpuLimit = config.cpuChunkLimit();
    this.ioLimit = config.maxConcurrentIoChunks();
    this.cpu = new Semaphore(cpuLimit);
    this.io = new Semaphore(ioLimit);
    this.chunks = chunks;
    this.kinds = kinds;
  }

  /** A slot held by one running chunk; closing gives it back. */
  public record Slot(ChunkLoad load, Semaphore from) implements AutoCloseable {
    @Override
    public void close() {
      from.release();
    }
  }

  /** A slot for a chunk of {@code simulationId}, or empty when this instance is at its limit. */
  public Optional<Slot> tryAcquire(UUID simulationId) {
    ChunkLoad load = loadOf(simulationId);
    Semaphore slots = load == ChunkLoad.IO ? io : cpu;
    return slots.tryAcquire() ? Optional.of(new Slot(load, slots)) : Optional.empty();
  }

  /** The limit for chunks of {@code load}. */
  public int limit(ChunkLoad load) {
    return load == ChunkLoad.IO ? ioLimit : cpuLimit;
  }

  /** Chunks of {@code load} running now. */
  public int running(ChunkLoad load) {
    return load == ChunkLoad.IO
        ? ioLimit - io.availablePermits()
        : cpuLimit - cpu.availablePermits();
  }

  /** An unknown simulation or kind counts as CPU-bound; its claim will say what is wrong. */
  private ChunkLoad loadOf(UUID simulationId) {
    ChunkLoad known = loads.get(simulationId);
    if (known != null) {
      return known;
    }
    Optional<String> kind = chunks.kindOf(simulationId);
    if (kind.isEmpty()) {
      return ChunkLoad.CPU;
    }
    ChunkLoad load = kinds.find(kind.get()).map(SimulationKind::chunkLoad).orElse(ChunkLoad.CPU);
    loads.put(simulationId, load);
    return load;
  }
}
