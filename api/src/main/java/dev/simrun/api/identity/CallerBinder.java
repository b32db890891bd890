package dev.simrun.api.identity;

import dev.simrun.problems.ProblemException;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Binds a {@link Caller} argument from the {@value #HEADER} header ({@value #DEFAULT_OWNER} when
 * absent). An invalid value answers 400 before the controller runs.
 */
@Singleton
class CallerBinder implements TypedRequestArgumentBinder<Caller> {
  static final String HEADER = "X-SimRun-User";
  static final String DEFAULT_OWNER = "local";

  @Override
  public Argument<Caller> argumentType() {
    return Argument.of(Caller.class);
  }

  @Override
  public BindingResult<Caller> bind(
      ArgumentConversionContext<Caller> context, HttpRequest<?> request) {
    List<String> values = request.getHeaders().getAll(HEADER);
    if (values.size() > 1) {
      throw ProblemException.badParameter(HEADER, "must be given once");
    }
    String owner = values.isEmpty() ? DEFAULT_OWNER : values.getFirst();
    if (!Caller.valid(owner)) {
      throw ProblemException.badParameter(HEADER, "must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
    Caller caller = new Caller(owner);
    return () -> Optional.of(caller);
  }
}
