package dev.simrun.problems;

import io.micronaut.http.HttpStatus;
import java.net.URI;

/**
 * A kind of error a service answers: a stable {@code type} URI clients may key on, the status it
 * answers with, and a title. The ones every service may answer are in {@link ProblemTypes}; each
 * service declares its own the same way.
 */
public record ProblemType(URI uri, HttpStatus status, String title) {
  /** One namespace for all of SimRun's problems. */
  public static final String BASE = "https://simrun.dev/problems/";

  /** The type {@code BASE + slug}. */
  public static ProblemType of(String slug, HttpStatus status, String title) {
    return new ProblemType(URI.create(BASE + slug), status, title);
  }
}
