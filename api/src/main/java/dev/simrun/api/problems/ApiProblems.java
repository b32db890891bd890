package dev.simrun.api.problems;

import dev.simrun.problems.ProblemType;
import io.micronaut.http.HttpStatus;

/**
 * The problems only the api answers, beside {@link dev.simrun.problems.ProblemTypes}, each with a
 * stable {@code type} URI clients may key on.
 */
public final class ApiProblems {
  /** The simulation has no result (yet): it has not SUCCEEDED. */
  public static final ProblemType RESULT_NOT_READY =
      ProblemType.of("result-not-ready", HttpStatus.CONFLICT, "Result not available");

  /** The simulation has already ended: it cannot be cancelled. */
  public static final ProblemType ALREADY_FINISHED =
      ProblemType.of("already-finished", HttpStatus.CONFLICT, "Simulation already finished");

  /** The dead letter was already replayed or discarded. */
  public static final ProblemType ALREADY_RESOLVED =
      ProblemType.of("already-resolved", HttpStatus.CONFLICT, "Dead letter already resolved");

  /** The dead letter's chunk succeeded since or runs, or its simulation was cancelled. */
  public static final ProblemType NOT_REPLAYABLE =
      ProblemType.of("not-replayable", HttpStatus.CONFLICT, "Dead letter cannot be replayed");

  /** This instance holds as many event streams as it may; try again shortly (Retry-After). */
  public static final ProblemType TOO_MANY_STREAMS =
      ProblemType.of("too-many-streams", HttpStatus.SERVICE_UNAVAILABLE, "Too many event streams");

  /**
   * A state-changing request signed in by the session cookie that did not come from the console: no
   * {@code X-SimRun-CSRF} header, or another site's origin.
   */
  public static final ProblemType CROSS_SITE_REQUEST =
      ProblemType.of("cross-site-request", HttpStatus.FORBIDDEN, "Cross-site request refused");

  /** The development issuer the local sign-in calls cannot be reached. */
  public static final ProblemType SIGN_IN_UNAVAILABLE =
      ProblemType.of("sign-in-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Sign-in unavailable");

  /**
   * The caller keeps as many datasets, or as many bytes of them, as one owner may: delete some
   * ({@code DELETE /api/v1/datasets/{id}}) to make room. Not retried: waiting does not help.
   */
  public static final ProblemType STORAGE_QUOTA_EXCEEDED =
      ProblemType.of(
          "storage-quota-exceeded", HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Storage quota exceeded");

  /** A simulation that has not finished reads the dataset: it cannot be deleted yet. */
  public static final ProblemType DATASET_IN_USE =
      ProblemType.of("dataset-in-use", HttpStatus.CONFLICT, "Dataset in use");

  private ApiProblems() {}
}
