package dev.simrun.problems;

import dev.simrun.kinds.FieldError;
import java.time.Duration;
import java.util.List;

/** Thrown by a service's own code to answer with a problem; mapped by {@link ProblemResponses}. */
public class ProblemException extends RuntimeException {
  private final ProblemType type;
  private final List<FieldError> errors;
  private final Duration retryAfter;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public ProblemException(ProblemType type, String detail, List<FieldError> errors) {
    this(type, detail, errors, null);
  }

  private ProblemException(
      ProblemType type, String detail, List<FieldError> errors, Duration retryAfter) {
    super(detail, null, false, false);
    this.type = type;
    this.errors = List.copyOf(errors);
    this.retryAfter = retryAfter;
  }

  /** A refusal that tells the caller when to try again ({@code Retry-After}). */
  public static ProblemException retryLater(ProblemType type, String detail, Duration after) {
    return new ProblemException(type, detail, List.of(), after);
  }

  /** A 422 listing every invalid field of the body. */
  public static ProblemException invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.getFirst().field() + ": " + errors.getFirst().message()
            : errors.size() + " fields are invalid";
    return new ProblemException(ProblemTypes.VALIDATION, detail, errors);
  }

  /** A 400 naming one header, path or query parameter. */
  public static ProblemException badParameter(String name, String message) {
    return new ProblemException(
        ProblemTypes.INVALID_PARAMETER,
        name + ": " + message,
        List.of(new FieldError(name, message)));
  }

  public ProblemType type() {
    return type;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** When to try again, or null when the caller should not simply retry. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
