package dev.simrun.api.routes;

import io.micronaut.http.HttpMethod;
import java.util.List;
import java.util.UUID;

/**
 * Every route the api serves under {@code /api/}: method, path template, who may call it and what
 * its {@code {id}} names. {@link EveryRouteTest} checks that this table is exactly what the running
 * application serves, then proves each route's identity checks; {@link FuzzTest} sends its requests
 * across the same table.
 */
final class ApiRoutes {

  /** Who may call a route. */
  enum Access {
    /** Any caller with a valid ID token (header or session cookie): their own resources only. */
    SIGNED_IN,
    /** Operators only: 403 for anyone else signed in. */
    OPERATOR,
    /** Anyone, deliberately; {@link Route#anonymousBecause} says why. */
    ANONYMOUS
  }

  /** What a route's {@code {id}} names, when it has one. */
  enum Resource {
    NONE,
    SIMULATION,
    DATASET,
    DEAD_LETTER,
    /** A run of the batch {@link #BATCH}. */
    BATCH_RUN
  }

  /** What a well-formed request to the route carries. */
  enum Body {
    /** No body (GET). */
    NONE,
    /** An empty body: the path says everything (cancel, replay, discard, session). */
    EMPTY,
    /** A simulation's JSON spec. */
    SUBMIT,
    /** An OHLCV CSV, or a multipart form with a {@code file} part. */
    DATASET,
    /** {@code {"user": …, "role": …}} */
    SIGN_IN,
    /** A batch's definition: {@code {"simulations": […], …}}. */
    BATCH
  }

  /** The batch whose name fills a route's {@code {name}}. */
  static final String BATCH = "every-route";

  /**
   * One route.
   *
   * @param stream answers Server-Sent Events: a successful request stays open
   * @param anonymousBecause why an {@link Access#ANONYMOUS} route needs no token; null otherwise
   */
  record Route(
      HttpMethod method,
      String template,
      Access access,
      Resource resource,
      Body body,
      boolean stream,
      String anonymousBecause) {

    /** The path with {@code {id}} replaced by {@code id} (used as given: already encoded). */
    String path(String id) {
      return template.replace("{name}", BATCH).replace("{id}", id);
    }

    String path(UUID id) {
      return path(id.toString());
    }

    boolean hasId() {
      return resource != Resource.NONE;
    }

    /** The method says it may change something: what a refused request must not have done. */
    boolean changes() {
      return method != HttpMethod.GET && method != HttpMethod.HEAD;
    }

    String key() {
      return method + " " + template;
    }

    @Override
    public String toString() {
      return key();
    }
  }

  private static Route signedIn(HttpMethod m, String template, Resource r, Body b) {
    return new Route(m, template, Access.SIGNED_IN, r, b, false, null);
  }

  private static Route operator(HttpMethod m, String template, Resource r, Body b) {
    return new Route(m, template, Access.OPERATOR, r, b, false, null);
  }

  private static Route stream(String template, Resource r) {
    return new Route(HttpMethod.GET, template, Access.SIGNED_IN, r, Body.NONE, true, null);
  }

  private static Route anonymous(HttpMethod m, String template, Body b, String because) {
    return new Route(m, template, Access.ANONYMOUS, Resource.NONE, b, false, because);
  }

  private static final String DOCS =
      "the API reference describes routes and holds no data: a reader need not sign in to learn"
          + " how to";

  static final List<Route> ALL =
      List.of(
          // Who is signed in, and the browser session.
          signedIn(HttpMethod.GET, "/api/v1/me", Resource.NONE, Body.NONE),
          signedIn(HttpMethod.POST, "/api/v1/session", Resource.NONE, Body.EMPTY),
          anonymous(
              HttpMethod.DELETE,
              "/api/v1/session",
              Body.NONE,
              "signing out must work with an expired or missing session: it only clears the"
                  + " cookie and reads nothing"),
          anonymous(
              HttpMethod.POST,
              "/api/v1/session/development",
              Body.SIGN_IN,
              "it is the local sign-in itself; it exists only where the development issuer is"
                  + " configured, never in production"),
          // The API reference.
          anonymous(HttpMethod.GET, "/api/docs", Body.NONE, DOCS),
          anonymous(HttpMethod.GET, "/api/docs/openapi.yml", Body.NONE, DOCS),
          anonymous(HttpMethod.GET, "/api/docs/docs.js", Body.NONE, DOCS),
          // Simulations.
          signedIn(HttpMethod.POST, "/api/v1/simulations", Resource.NONE, Body.SUBMIT),
          signedIn(HttpMethod.GET, "/api/v1/simulations", Resource.NONE, Body.NONE),
          signedIn(HttpMethod.GET, "/api/v1/simulations/{id}", Resource.SIMULATION, Body.NONE),
          signedIn(
              HttpMethod.GET, "/api/v1/simulations/{id}/result", Resource.SIMULATION, Body.NONE),
          signedIn(
              HttpMethod.GET,
              "/api/v1/simulations/{id}/result.csv",
              Resource.SIMULATION,
              Body.NONE),
          signedIn(
              HttpMethod.POST, "/api/v1/simulations/{id}/cancel", Resource.SIMULATION, Body.EMPTY),
          // Events.
          stream("/api/v1/simulations/{id}/events", Resource.SIMULATION),
          stream("/api/v1/events", Resource.NONE),
          // Datasets.
          signedIn(HttpMethod.POST, "/api/v1/datasets", Resource.NONE, Body.DATASET),
          signedIn(HttpMethod.GET, "/api/v1/datasets", Resource.NONE, Body.NONE),
          signedIn(HttpMethod.GET, "/api/v1/datasets/{id}", Resource.DATASET, Body.NONE),
          signedIn(HttpMethod.DELETE, "/api/v1/datasets/{id}", Resource.DATASET, Body.NONE),
          // An owner's dead letters.
          signedIn(HttpMethod.GET, "/api/v1/dead-letters", Resource.NONE, Body.NONE),
          signedIn(HttpMethod.GET, "/api/v1/dead-letters/{id}", Resource.DEAD_LETTER, Body.NONE),
          signedIn(
              HttpMethod.POST,
              "/api/v1/dead-letters/{id}/replay",
              Resource.DEAD_LETTER,
              Body.EMPTY),
          signedIn(
              HttpMethod.POST,
              "/api/v1/dead-letters/{id}/discard",
              Resource.DEAD_LETTER,
              Body.EMPTY),
          // Every owner's dead letters, for operators.
          operator(HttpMethod.GET, "/api/v1/admin/dead-letters", Resource.NONE, Body.NONE),
          operator(
              HttpMethod.GET, "/api/v1/admin/dead-letters/{id}", Resource.DEAD_LETTER, Body.NONE),
          operator(
              HttpMethod.POST,
              "/api/v1/admin/dead-letters/{id}/replay",
              Resource.DEAD_LETTER,
              Body.EMPTY),
          operator(
              HttpMethod.POST,
              "/api/v1/admin/dead-letters/{id}/discard",
              Resource.DEAD_LETTER,
              Body.EMPTY),
          // Batches, for operators.
          operator(HttpMethod.GET, "/api/v1/batches", Resource.NONE, Body.NONE),
          operator(HttpMethod.GET, "/api/v1/batches/{name}", Resource.NONE, Body.NONE),
          operator(HttpMethod.PUT, "/api/v1/batches/{name}", Resource.NONE, Body.BATCH),
          operator(HttpMethod.DELETE, "/api/v1/batches/{name}", Resource.NONE, Body.NONE),
          operator(HttpMethod.GET, "/api/v1/batches/{name}/runs", Resource.NONE, Body.NONE),
          operator(HttpMethod.POST, "/api/v1/batches/{name}/runs", Resource.NONE, Body.EMPTY),
          operator(
              HttpMethod.GET, "/api/v1/batches/{name}/runs/{id}", Resource.BATCH_RUN, Body.NONE));

  private ApiRoutes() {}
}
