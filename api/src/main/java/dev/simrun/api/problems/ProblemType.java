package dev.simrun.api.problems;

import io.micronaut.http.HttpStatus;
import java.net.URI;

/** The kinds of error the api answers, each with a stable {@code type} URI clients may key on. */
public enum ProblemType {
  /** The body is well-formed JSON but its content is invalid; {@code errors} names each field. */
  VALIDATION("validation", HttpStatus.UNPROCESSABLE_ENTITY, "Invalid request"),
  /** The body is not JSON, not a JSON object, or a field has the wrong JSON type. */
  MALFORMED_BODY("malformed-body", HttpStatus.BAD_REQUEST, "Malformed request body"),
  /** A header, path or query parameter is missing or invalid; {@code errors} names it. */
  INVALID_PARAMETER("invalid-parameter", HttpStatus.BAD_REQUEST, "Invalid request parameter"),
  BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "Bad request"),
  NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
  NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
  PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Payload too large"),
  /** The simulation has no result (yet): it has not SUCCEEDED. */
  RESULT_NOT_READY("result-not-ready", HttpStatus.CONFLICT, "Result not available"),
  /** The simulation has already ended: it cannot be cancelled. */
  ALREADY_FINISHED("already-finished", HttpStatus.CONFLICT, "Simulation already finished"),
  /** The dead letter was already replayed or discarded. */
  ALREADY_RESOLVED("already-resolved", HttpStatus.CONFLICT, "Dead letter already resolved"),
  /** The dead letter's chunk succeeded since or runs, or its simulation was cancelled. */
  NOT_REPLAYABLE("not-replayable", HttpStatus.CONFLICT, "Dead letter cannot be replayed"),
  /** Beyond an admission limit (active simulations per owner, queued chunks); Retry-After. */
  OVER_LIMIT("over-limit", HttpStatus.TOO_MANY_REQUESTS, "Too much work queued"),
  /** This instance holds as many event streams as it may; try again shortly (Retry-After). */
  TOO_MANY_STREAMS("too-many-streams", HttpStatus.SERVICE_UNAVAILABLE, "Too many event streams"),
  /** PostgreSQL cannot be reached right now; nothing was changed. Retry-After. */
  DATABASE_UNAVAILABLE(
      "database-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable"),
  INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error");

  public static final String BASE = "https://simrun.dev/problems/";

  private final URI uri;
  private final HttpStatus status;
  private final String title;

  ProblemType(String slug, HttpStatus status, String title) {
    this.uri = URI.create(BASE + slug);
    this.status = status;
    this.title = title;
  }

  public URI uri() {
    return uri;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }
}
