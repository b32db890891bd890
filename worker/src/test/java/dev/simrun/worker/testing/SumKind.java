package dev.simrun.worker.testing;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.PermanentChunkFailure;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only kind: sums a deterministic f(unit) and folds the values into an order-sensitive hash,
 * so the final result proves every unit was counted once, in order, whatever the chunking. Its
 * parameters can slow units down (chunks then overlap), fail at a unit, or hold at a {@link Gates
 * gate} until the test opens it.
 */
@Singleton
public class SumKind implements SimulationKind<SumKind.Params, SumKind.Partial, SumKind.Total> {
  public static final String NAME = "test-sum";
  private static final long BASE = 31;

  /**
   * @param unitMillis time each unit takes
   * @param failAtUnit the unit at which the chunk throws; -1 for none
   * @param gate the name of a gate each chunk waits at before its first unit (or before {@code
   *     gateAtUnit}); null for none
   * @param failWhile the name of a {@link Switches switch}: while it is on, the chunk holding
   *     {@code failAtUnit} fails there; null to fail whenever it reaches that unit
   * @param permanent fail with {@link PermanentChunkFailure} (no retry helps) instead
   * @param gateAtUnit the unit before which the chunk holding it waits at {@code gate}, its
   *     progress so far reported; -1 for before the first unit of every chunk
   */
  @Serdeable
  public record Params(
      long units,
      long seed,
      int unitsPerChunk,
      long unitMillis,
      long failAtUnit,
      @Nullable String gate,
      @Nullable String failWhile,
      boolean permanent,
      long gateAtUnit) {

    public static Params of(long units, int unitsPerChunk) {
      return new Params(units, 42, unitsPerChunk, 0, -1, null, null, false, -1);
    }

    public Params seeded(long newSeed) {
      return new Params(
          units,
          newSeed,
          unitsPerChunk,
          unitMillis,
          failAtUnit,
          gate,
          failWhile,
          permanent,
          gateAtUnit);
    }

    public Params slow(long millisPerUnit) {
      return new Params(
          units,
          seed,
          unitsPerChunk,
          millisPerUnit,
          failAtUnit,
          gate,
          failWhile,
          permanent,
          gateAtUnit);
    }

    public Params failingAt(long unit) {
      return new Params(
          units, seed, unitsPerChunk, unitMillis, unit, gate, failWhile, permanent, gateAtUnit);
    }

    /** Fails at {@code unit} only while the switch {@code name} is on. */
    public Params failingAtWhile(long unit, String name) {
      return new Params(
          units, seed, unitsPerChunk, unitMillis, unit, gate, name, permanent, gateAtUnit);
    }

    public Params permanently() {
      return new Params(
          units, seed, unitsPerChunk, unitMillis, failAtUnit, gate, failWhile, true, gateAtUnit);
    }

    public Params gated(String name) {
      return new Params(
          units, seed, unitsPerChunk, unitMillis, failAtUnit, name, failWhile, permanent, -1);
    }

    /** Holds the chunk holding {@code unit} at the gate {@code name} just before that unit. */
    public Params gatedAt(String name, long unit) {
      return new Params(
          units, seed, unitsPerChunk, unitMillis, failAtUnit, name, failWhile, permanent, unit);
    }
  }

  /** Where a chunk got to: the next unit to run and the totals of those before it. */
  @Serdeable
  public record Checkpoint(long next, long sum, long hash) {}

  /** Per seed, the unit each run of a chunk started at: shows whether a retry resumed. */
  public static final Map<Long, List<Long>> STARTS = new ConcurrentHashMap<>();

  /** Units {@code [from, to)}: their sum and their hash. */
  @Serdeable
  public record Partial(long from, long to, long sum, long hash) {}

  @Serdeable
  public record Total(long units, long sum, long hash) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Class<Partial> chunkResultType() {
    return Partial.class;
  }

  @Override
  public Class<Total> resultType() {
    return Total.class;
  }

  @Override
  public List<FieldError> validate(Params params) {
    List<FieldError> errors = new ArrayList<>();
    if (params.units() < 1) {
      errors.add(new FieldError("units", "must be >= 1"));
    }
    if (params.unitsPerChunk() < 1) {
      errors.add(new FieldError("unitsPerChunk", "must be >= 1"));
    }
    return errors;
  }

  @Override
  public long unitCount(Params params) {
    return params.units();
  }

  @Override
  public UnitCost unitCost(Params params) {
    return UnitCost.cpu(1_000);
  }

  @Override
  public Partial runChunk(Params params, UnitRange range, ChunkContext context) {
    if (params.gate() != null && params.gateAtUnit() < 0) {
      Gates.pass(params.gate());
    }
    Checkpoint resume =
        context.checkpoint(Checkpoint.class).orElse(new Checkpoint(range.from(), 0, 0));
    STARTS.computeIfAbsent(params.seed(), k -> new CopyOnWriteArrayList<>()).add(resume.next());
    long sum = resume.sum();
    long hash = resume.hash();
    for (long u = resume.next(); u < range.to(); u++) {
      if (u == params.failAtUnit()
          && (params.failWhile() == null || Switches.isOn(params.failWhile()))) {
        String why = "unit " + u + " fails, as the parameters say";
        throw params.permanent() ? new PermanentChunkFailure(why) : new IllegalStateException(why);
      }
      if (context.cancelled()) {
        throw new ChunkCancelledException();
      }
      if (params.gate() != null && u == params.gateAtUnit()) {
        Gates.pass(params.gate());
      }
      if (params.unitMillis() > 0) {
        pause(params.unitMillis());
      }
      long value = f(params.seed(), u);
      sum += value;
      hash = hash * BASE + value;
      context.progress((double) (u - range.from() + 1) / range.size(), Map.of("unit", (Object) u));
      context.saveCheckpoint(new Checkpoint(u + 1, sum, hash));
    }
    return new Partial(range.from(), range.to(), sum, hash);
  }

  @Override
  public Total reduce(Params params, List<Partial> chunks) {
    long next = 0;
    long sum = 0;
    long hash = 0;
    for (Partial p : chunks) {
      if (p.from() != next) {
        throw new IllegalStateException(
            "chunk starting at " + p.from() + " where " + next + " was due");
      }
      sum += p.sum();
      hash = hash * pow(BASE, p.to() - p.from()) + p.hash();
      next = p.to();
    }
    if (next != params.units()) {
      throw new IllegalStateException("units end at " + next + " of " + params.units());
    }
    return new Total(params.units(), sum, hash);
  }

  /** The units of the chunks that succeeded: their count, sum and hash, in chunk order. */
  @Override
  public Optional<Total> reducePartial(Params params, List<Partial> succeeded) {
    long units = 0;
    long sum = 0;
    long hash = 0;
    for (Partial p : succeeded) {
      units += p.to() - p.from();
      sum += p.sum();
      hash = hash * pow(BASE, p.to() - p.from()) + p.hash();
    }
    return Optional.of(new Total(units, sum, hash));
  }

  /** SplitMix64 of (seed, unit): the same value for the same unit, on any thread, any time. */
  static long f(long seed, long unit) {
    long z = seed * 0x9E3779B97F4A7C15L + unit * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) >>> 40;
  }

  private static long pow(long base, long exponent) {
    long result = 1;
    long b = base;
    for (long e = exponent; e > 0; e >>= 1) {
      if ((e & 1) == 1) {
        result *= b;
      }
      b *= b;
    }
    return result;
  }

  /** The simulated work of one unit. */
  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
