package dev.simrun.bench.noop;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * {@code noop}: {@code params.units} units, a chunk returns how many units it covered and does
 * nothing else, the result is the sum. What remains of a chunk's cost is the pipeline's own.
 */
@Singleton
public class NoopKind implements SimulationKind<NoopKind.Params, NoopKind.Chunk, NoopKind.Result> {
  public static final String NAME = "noop";
  static final long MAX_UNITS = 10_000_000;

  /** How many units of no work. */
  @Serdeable
  public record Params(long units) {}

  /** Units a chunk covered. */
  @Serdeable
  public record Chunk(long units) {}

  /** Units all chunks covered: equals {@code params.units} when every chunk ran once. */
  @Serdeable
  public record Result(long units) {}

  /** Its chunks compute nothing: their time is the pipeline's round trips. */
  @Override
  public ChunkLoad chunkLoad() {
    return ChunkLoad.IO;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Class<Chunk> chunkResultType() {
    return Chunk.class;
  }

  @Override
  public Class<Result> resultType() {
    return Result.class;
  }

  @Override
  public List<FieldError> validate(Params params) {
    if (params.units() < 1 || params.units() > MAX_UNITS) {
      return List.of(new FieldError("units", "must be between 1 and " + MAX_UNITS));
    }
    return List.of();
  }

  @Override
  public long unitCount(Params params) {
    return params.units();
  }

  /** Costs nothing; the benchmark gives its chunk size. */
  @Override
  public UnitCost unitCost(Params params) {
    return UnitCost.cpu(0);
  }

  @Override
  public Chunk runChunk(Params params, UnitRange range, ChunkContext context) {
    return new Chunk(range.size());
  }

  @Override
  public Result reduce(Params params, List<Chunk> chunkResults) {
    return new Result(chunkResults.stream().mapToLong(Chunk::units).sum());
  }
}
