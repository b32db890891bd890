package dev.simrun.worker.auth;

import dev.simrun.problems.ServiceTokens;
import dev.simrun.shared.serviceauth.IdTokenVerifier;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Rejected;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Verified;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a push to {@code /tasks/**} through only with a valid ID token of an allowed account, before
 * its body is read or any row is touched: 401 for a missing or invalid token, 403 for another
 * account's, 503 while the signing keys cannot be fetched. Runs on a blocking thread because the
 * first verification fetches the keys.
 */
@ServerFilter("/tasks/**")
class TaskAuthFilter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskAuthFilter.class);

  private final IdTokenVerifier verifier;

  TaskAuthFilter(IdTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  HttpResponse<?> authenticate(HttpRequest<?> request) {
    TaskDelivery delivery = TaskDelivery.of(request.getHeaders());
    String path = request.getPath();
    return switch (verifier.verify(ServiceTokens.bearer(request.getHeaders()))) {
      case Verified caller -> {
        LOG.debug("{} {} as {}, {}", request.getMethod(), path, caller.email(), delivery);
        yield null;
      }
      case Rejected refused -> {
        LOG.warn(
            "refused {} {}: {} {} ({})",
            request.getMethod(),
            path,
            refused.reason(),
            refused.detail(),
            delivery);
        yield ServiceTokens.refusal(refused, path);
      }
    };
  }
}
