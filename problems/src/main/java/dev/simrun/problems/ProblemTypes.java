package dev.simrun.problems;

import io.micronaut.http.HttpStatus;

/** The problems every service may answer: about the request itself, and about the platform. */
public final class ProblemTypes {
  /** The body is well-formed JSON but its content is invalid; {@code errors} names each field. */
  public static final ProblemType VALIDATION =
      ProblemType.of("validation", HttpStatus.UNPROCESSABLE_ENTITY, "Invalid request");

  /** The body is not JSON, not a JSON object, or a field has the wrong JSON type. */
  public static final ProblemType MALFORMED_BODY =
      ProblemType.of("malformed-body", HttpStatus.BAD_REQUEST, "Malformed request body");

  /** A header, path or query parameter is missing or invalid; {@code errors} names it. */
  public static final ProblemType INVALID_PARAMETER =
      ProblemType.of("invalid-parameter", HttpStatus.BAD_REQUEST, "Invalid request parameter");

  public static final ProblemType BAD_REQUEST =
      ProblemType.of("bad-request", HttpStatus.BAD_REQUEST, "Bad request");

  /** No credentials, or credentials that are not valid here. */
  public static final ProblemType UNAUTHENTICATED =
      ProblemType.of("unauthenticated", HttpStatus.UNAUTHORIZED, "Unauthenticated");

  /** Valid credentials of a caller that may not do this. */
  public static final ProblemType FORBIDDEN =
      ProblemType.of("forbidden", HttpStatus.FORBIDDEN, "Forbidden");

  public static final ProblemType NOT_FOUND =
      ProblemType.of("not-found", HttpStatus.NOT_FOUND, "Not found");

  public static final ProblemType METHOD_NOT_ALLOWED =
      ProblemType.of("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed");

  public static final ProblemType NOT_ACCEPTABLE =
      ProblemType.of("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable");

  public static final ProblemType UNSUPPORTED_MEDIA_TYPE =
      ProblemType.of(
          "unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");

  public static final ProblemType PAYLOAD_TOO_LARGE =
      ProblemType.of("payload-too-large", HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Payload too large");

  /**
   * Beyond a limit on work or on what one caller holds at once (active simulations per owner,
   * queued chunks, uploads in flight, open event streams per owner); Retry-After.
   */
  public static final ProblemType OVER_LIMIT =
      ProblemType.of("over-limit", HttpStatus.TOO_MANY_REQUESTS, "Too much work queued");

  /**
   * The signing keys of a service account's tokens (Cloud Tasks', Cloud Scheduler's) cannot be
   * fetched: tokens cannot be checked right now; try again.
   */
  public static final ProblemType AUTH_UNAVAILABLE =
      ProblemType.of(
          "auth-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Token verification unavailable");

  /** PostgreSQL cannot be reached right now; nothing was changed. */
  public static final ProblemType DATABASE_UNAVAILABLE =
      ProblemType.of(
          "database-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable");

  public static final ProblemType INTERNAL =
      ProblemType.of("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error");

  private ProblemTypes() {}
}
