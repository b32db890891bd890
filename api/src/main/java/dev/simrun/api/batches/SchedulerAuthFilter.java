package dev.simrun.api.batches;

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
 * Lets a request to {@code /internal/**} through only with a valid ID token of an allowed service
 * account ({@code simrun.auth.*}: Cloud Scheduler's, for the api's URL), before anything is read or
 * written, as the worker checks Cloud Tasks' pushes: 401 for a missing or invalid token, 403 for
 * another account's, 503 while the signing keys cannot be fetched. The verified account is left on
 * the request for the controller.
 */
@ServerFilter("/internal/**")
class SchedulerAuthFilter {
  /** The request attribute holding the verified account's email. */
  static final String ACCOUNT = "simrun.service-account";

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerAuthFilter.class);

  private final IdTokenVerifier verifier;

  SchedulerAuthFilter(IdTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  HttpResponse<?> authenticate(HttpRequest<?> request) {
    return switch (verifier.verify(ServiceTokens.bearer(request.getHeaders()))) {
      case Verified caller -> {
        request.setAttribute(ACCOUNT, caller.email());
        yield null;
      }
      case Rejected refused -> {
        LOG.warn(
            "refused {} {}: {} {} (job {})",
            request.getMethod(),
            request.getPath(),
            refused.reason(),
            refused.detail(),
            request.getHeaders().get(SchedulerTriggerController.JOB_NAME));
        yield ServiceTokens.refusal(refused, request.getPath());
      }
    };
  }
}
