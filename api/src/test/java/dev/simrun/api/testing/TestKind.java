package dev.simrun.api.testing;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** A tiny kind for the api's tests: {@code units} units of nothing, failing at {@code failAt}. */
@Singleton
public class TestKind implements SimulationKind<TestKind.Params, TestKind.Sum, TestKind.Sum> {
  public static final String NAME = "test-units";
  public static final long MAX_UNITS = 10_000_000;

  /** {@code {"units": N, "failAt": i, "options": {"delayMs": d}}}. */
  @Serdeable
  public record Params(@Nullable Long units, @Nullable Long failAt, @Nullable Options options) {}

  @Serdeable
  public record Options(@Nullable Integer delayMs) {}

  @Serdeable
  public record Sum(long units) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Class<Sum> chunkResultType() {
    return Sum.class;
  }

  @Override
  public Class<Sum> resultType() {
    return Sum.class;
  }

  @Override
  public List<FieldError> validate(Params p) {
    List<FieldError> errors = new ArrayList<>();
    if (p.units() == null) {
      errors.add(new FieldError("units", "is required"));
    } else if (p.units() < 1 || p.units() > MAX_UNITS) {
      errors.add(new FieldError("units", "must be between 1 and " + MAX_UNITS));
    }
    if (p.failAt() != null && p.units() != null && (p.failAt() < 0 || p.failAt() >= p.units())) {
      errors.add(new FieldError("failAt", "must be a unit index below units"));
    }
    if (p.options() != null && p.options().delayMs() != null && p.options().delayMs() < 0) {
      errors.add(new FieldError("options.delayMs", "must be >= 0"));
    }
    return errors;
  }

  @Override
  public long unitCount(Params p) {
    return p.units();
  }

  /** 10 ms of computing a unit, for the planner. */
  @Override
  public UnitCost unitCost(Params p) {
    return new UnitCost(10_000_000, 0, 0);
  }

  @Override
  public Sum runChunk(Params p, UnitRange range, ChunkContext context) {
    if (p.failAt() != null && p.failAt() >= range.from() && p.failAt() < range.to()) {
      throw new IllegalStateException("unit " + p.failAt() + " fails on purpose");
    }
    return new Sum(range.size());
  }

  @Override
  public Sum reduce(Params p, List<Sum> chunks) {
    return new Sum(chunks.stream().mapToLong(Sum::units).sum());
  }
}
