package dev.simrun.api.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses, 401, a request that carries a token in its query string, before anything reads it: a URL
 * ends up in logs, browser history and Referer headers. Such a request is never authenticated by
 * it, even if the parameter is named otherwise: any value shaped like a JWT counts.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class NoTokensInUrls implements Ordered {
  private static final Set<String> TOKEN_PARAMETERS =
      Set.of("access_token", "id_token", "token", "jwt", "authorization", "bearer");
  private static final Pattern JWT =
      Pattern.compile("(?i)(bearer\\s+)?eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

  @RequestFilter
  @Nullable
  HttpResponse<?> refuse(HttpRequest<?> request) {
    for (Map.Entry<String, List<String>> p : request.getParameters()) {
      if (TOKEN_PARAMETERS.contains(p.getKey().toLowerCase(java.util.Locale.ROOT))
          || p.getValue().stream().anyMatch(v -> JWT.matcher(v.trim()).matches())) {
        return SignInRequired.unauthenticated(request.getPath());
      }
    }
    return null;
  }

  @Override
  public int getOrder() {
    return ServerFilterPhase.SECURITY.before();
  }
}
