package dev.simrun.kinds;

import io.micronaut.serde.annotation.Serdeable;

/** One problem with one field of a request, e.g. {@code grid.slow[0]}: "must be > fast". */
@Serdeable
public record FieldError(String field, String message) {}
