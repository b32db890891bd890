package dev.simrun.kinds.climate;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The units of one chunk, in unit order. */
@Serdeable
public record ClimateChunkResult(List<ClimateUnitResult> units) {}
