package dev.simrun.worker.problems;

import io.micronaut.http.HttpStatus;
import java.net.URI;

/**
 * The kinds of error the worker answers, each with a stable {@code type} URI. Cloud Tasks retries
 * every one of them; the status says how (5xx and 429 slow the queue down, 4xx do not).
 */
public enum ProblemType {
  /** No token, or a token that is not a valid ID token for this worker. */
  UNAUTHENTICATED("unauthenticated", HttpStatus.UNAUTHORIZED, "Unauthenticated"),
  /** A valid token of an account that may not push tasks. */
  FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),
  /** The issuer's signing keys cannot be fetched: tokens cannot be checked right now. */
  AUTH_UNAVAILABLE(
      "auth-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Token verification unavailable"),
  /** Another attempt holds a live lease on the chunk; retry later. */
  CHUNK_BUSY("chunk-busy", HttpStatus.CONFLICT, "Chunk is running elsewhere"),
  /** This instance runs as many chunks as it may; nothing was claimed. Retry after a while. */
  WORKER_BUSY("worker-busy", HttpStatus.TOO_MANY_REQUESTS, "Worker at capacity"),
  /** Finalize arrived before every chunk succeeded; retry later. */
  CHUNKS_OUTSTANDING("chunks-outstanding", HttpStatus.CONFLICT, "Chunks outstanding"),
  /** The kind failed while running the chunk; the chunk was given back for a retry. */
  CHUNK_FAILED("chunk-failed", HttpStatus.INTERNAL_SERVER_ERROR, "Chunk failed"),
  /** The kind failed while reducing the chunk results. */
  FINALIZE_FAILED("finalize-failed", HttpStatus.INTERNAL_SERVER_ERROR, "Finalize failed"),
  /** PostgreSQL cannot be reached right now; nothing was changed. Cloud Tasks backs off. */
  DATABASE_UNAVAILABLE(
      "database-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable"),
  /** The attempt ran past the hard time limit and was abandoned; the chunk was given back. */
  CHUNK_TIMED_OUT("chunk-timed-out", HttpStatus.SERVICE_UNAVAILABLE, "Chunk timed out"),
  MALFORMED_BODY("malformed-body", HttpStatus.BAD_REQUEST, "Malformed request body"),
  BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "Bad request"),
  NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
  PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Payload too large"),
  INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error");

  /** The same base as the api's problem types: one namespace for SimRun's problems. */
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
