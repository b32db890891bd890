package dev.simrun.api.identity;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.token.Claims;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Binds a {@link Caller} argument from the request's verified token: its issuer and subject. The
 * security rules let no request to {@code /api/**} reach a controller without one; should a route
 * slip through, binding a caller answers 401 rather than running for nobody.
 */
@Singleton
class CallerBinder implements TypedRequestArgumentBinder<Caller> {

  @Override
  public Argument<Caller> argumentType() {
    return Argument.of(Caller.class);
  }

  @Override
  public BindingResult<Caller> bind(
      ArgumentConversionContext<Caller> context, HttpRequest<?> request) {
    Authentication authentication =
        request
            .getUserPrincipal(Authentication.class)
            .orElseThrow(() -> new AuthorizationException(null));
    Object issuer = authentication.getAttributes().get(Claims.ISSUER);
    if (!(issuer instanceof String iss)) {
      throw new AuthorizationException(null);
    }
    Caller caller =
        Caller.of(
            iss, authentication.getName(), authentication.getRoles().contains(Operators.ROLE));
    return () -> Optional.of(caller);
  }
}
