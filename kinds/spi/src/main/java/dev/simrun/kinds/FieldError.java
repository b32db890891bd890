package dev.simrun.kinds;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One problem with one field of a request, e.g. {@code grid.slow[0]}: "must be > fast". A kind
 * names the fields of its params relative to them ({@code grid.slow[0]}, not {@code
 * params.grid.slow[0]}), and the params as a whole {@link #PARAMS}; the api puts them in the
 * request's terms.
 */
@Serdeable
public record FieldError(String field, String message) {

  /** The field of a kind's problem with its params as a whole (too much work, say). */
  public static final String PARAMS = "params";
}
