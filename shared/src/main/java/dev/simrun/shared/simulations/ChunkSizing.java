package dev.simrun.shared.simulations;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.UnitCost;
import dev.simrun.shared.config.PlanningConfig;
import jakarta.inject.Singleton;

/**
 * How many units go into one chunk when the caller gives no {@code chunking} hint, from what a unit
 * costs and the slots that will run the chunks:
 *
 * <ul>
 *   <li>Spread: I/O-bound work over as many chunks as there are I/O slots; CPU-bound work over at
 *       least twice as many chunks as CPU slots, so no slot idles while another finishes a big one.
 *   <li>Floor: a chunk is big enough that the platform's per-chunk overhead and the kind's
 *       per-chunk setup take at most {@code max-overhead-share} (5%) of its time.
 *   <li>Ceiling: a chunk runs at most about {@code max-chunk-time} (60 s); the ceiling wins over
 *       the floor, and neither goes below one unit.
 * </ul>
 */
@Singleton
public class ChunkSizing {
  private final PlanningConfig config;

  public ChunkSizing(PlanningConfig config) {
    this.config = config;
  }

  /** Units per chunk for {@code units} units of {@code cost}, run on {@code load} slots. */
  public long unitsPerChunk(long units, UnitCost cost, ChunkLoad load) {
    if (units < 1) {
      throw new IllegalArgumentException("no units to plan: " + units);
    }
    long chunksWanted = load == ChunkLoad.IO ? config.ioSlots() : 2L * config.cpuSlots();
    long spread = Math.ceilDiv(units, chunksWanted);

    double unit = cost.unitNanos();
    double fixed = config.chunkOverhead().toNanos() + cost.chunkSetupNanos();
    // fixed / (fixed + size * unit) <= share  <=>  size >= fixed * (1 - share) / (share * unit)
    double share = config.maxOverheadShare();
    long floor = (long) Math.ceil(fixed * (1 - share) / (share * unit));
    long ceiling = (long) Math.floor((config.maxChunkTime().toNanos() - fixed) / unit);

    long size = Math.max(spread, floor);
    size = Math.min(size, Math.max(1, ceiling));
    return Math.clamp(size, 1, units);
  }
}
