package dev.simrun.api.identity;

import dev.simrun.api.problems.ApiProblems;
import dev.simrun.problems.ProblemResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.net.URI;
import java.util.Set;

/**
 * CSRF protection for the session cookie (decision 0027). Beside {@code SameSite=Strict}, a request
 * that carries the cookie and would change something (any method but GET, HEAD, OPTIONS) must:
 *
 * <ul>
 *   <li>carry {@code X-SimRun-CSRF} (a header no form, link or image can send, and that script on
 *       another origin cannot add without a CORS preflight the api never grants), and
 *   <li>when the browser says where it comes from ({@code Sec-Fetch-Site}, {@code Origin}), come
 *       from this origin.
 * </ul>
 *
 * Refused: 403 {@code cross-site-request}, before anything reads the body. Requests without the
 * cookie (curl, Submit, other services: a bearer token no browser attaches by itself) pass.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class CrossSiteGuard implements Ordered {
  /** The header the console adds to every request that changes something. */
  public static final String HEADER = "X-SimRun-CSRF";

  private static final Set<HttpMethod> SAFE =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final Set<String> SAME_SITE_FETCH = Set.of("same-origin", "none");

  private final SessionCookie cookie;

  CrossSiteGuard(SessionCookie cookie) {
    this.cookie = cookie;
  }

  @RequestFilter
  @Nullable
  HttpResponse<?> refuse(HttpRequest<?> request) {
    if (SAFE.contains(request.getMethod()) || request.getCookies().get(cookie.name()) == null) {
      return null;
    }
    HttpHeaders headers = request.getHeaders();
    String why = null;
    if (headers.get(HEADER) == null || headers.get(HEADER).isBlank()) {
      why = "A request signed in by the session cookie must send " + HEADER + ": 1.";
    } else if (headers.get("Sec-Fetch-Site") != null
        && !SAME_SITE_FETCH.contains(headers.get("Sec-Fetch-Site"))) {
      why = "A request signed in by the session cookie must come from this site.";
    } else if (headers.get(HttpHeaders.ORIGIN) != null
        && !sameOrigin(headers.get(HttpHeaders.ORIGIN), headers.get(HttpHeaders.HOST))) {
      why = "A request signed in by the session cookie must come from this site's origin.";
    }
    return why == null
        ? null
        : ProblemResponses.of(ApiProblems.CROSS_SITE_REQUEST, why, request.getPath());
  }

  private static boolean sameOrigin(String origin, @Nullable String host) {
    if (host == null) {
      return false;
    }
    try {
      URI o = URI.create(origin);
      return o.getRawAuthority() != null && o.getRawAuthority().equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Before the CORS filter, which would refuse a foreign origin on localhost without a body. */
  @Override
  public int getOrder() {
    return ServerFilterPhase.METRICS.after() - 1;
  }
}
