package dev.simrun.kinds;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a whole simulation directly, in this thread: validate, split the units into chunks of a
 * given size, run each chunk with {@link ChunkContext#NONE}, reduce. The reference the distributed
 * pipeline is compared against: for a deterministic kind both give the same result for any chunk
 * size.
 */
public final class InMemoryRun {

  private InMemoryRun() {}

  /**
   * Runs every unit in chunks of {@code unitsPerChunk} (the last chunk may be smaller) and reduces
   * the chunk results in chunk order.
   *
   * @throws IllegalArgumentException if {@code unitsPerChunk < 1} or the parameters are invalid
   */
  public static <P, C, R> R run(SimulationKind<P, C, R> kind, P params, int unitsPerChunk) {
    if (unitsPerChunk < 1) {
      throw new IllegalArgumentException("unitsPerChunk must be >= 1, got " + unitsPerChunk);
    }
    List<FieldError> errors = kind.validate(params);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid " + kind.name() + " params: " + errors);
    }
    long units = kind.unitCount(params);
    List<C> chunkResults = new ArrayList<>();
    for (long from = 0; from < units; from += unitsPerChunk) {
      UnitRange range = new UnitRange(from, Math.min(units, from + unitsPerChunk));
      chunkResults.add(kind.runChunk(params, range, ChunkContext.NONE));
    }
    return kind.reduce(params, chunkResults);
  }
}
