package dev.simrun.worker.problems;

import dev.simrun.shared.simulations.DatabaseFailures;
import io.micronaut.core.annotation.AnnotatedElement;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.exceptions.NotFoundException;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.json.JsonSyntaxException;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * The one place where errors become answers: the worker's own ({@link #of}) and Micronaut's (bad
 * JSON, unknown route, unexpected exceptions), all {@code application/problem+json}. Being an
 * {@link ErrorResponseProcessor} bean switches Micronaut's default JSON error body off.
 */
@Singleton
public class ProblemResponses implements ErrorResponseProcessor<Problem> {
  private static final Map<HttpStatus, ProblemType> BY_STATUS =
      Map.of(
          HttpStatus.BAD_REQUEST, ProblemType.BAD_REQUEST,
          HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND,
          HttpStatus.METHOD_NOT_ALLOWED, ProblemType.METHOD_NOT_ALLOWED,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemType.UNSUPPORTED_MEDIA_TYPE,
          HttpStatus.REQUEST_ENTITY_TOO_LARGE, ProblemType.PAYLOAD_TOO_LARGE,
          HttpStatus.UNAUTHORIZED, ProblemType.UNAUTHENTICATED,
          HttpStatus.FORBIDDEN, ProblemType.FORBIDDEN);

  /** An answer of {@code type} with {@code detail}, for the request path {@code path}. */
  public static MutableHttpResponse<Problem> of(ProblemType type, String detail, String path) {
    return HttpResponse.<Problem>status(type.status())
        .body(new Problem(type.uri(), type.title(), type.status().getCode(), detail, path))
        .contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE);
  }

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<Problem> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    String path = context.getRequest().getPath();
    Problem problem = problem(context, response.status(), path);
    MutableHttpResponse<Problem> out =
        (MutableHttpResponse<Problem>) response.status(problem.status());
    if (context.getRequest().getMethod() == HttpMethod.HEAD) {
      return out;
    }
    return out.body(problem).contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE);
  }

  private static Problem problem(ErrorContext context, HttpStatus status, String path) {
    return switch (context.getRootCause().orElse(null)) {
      case JsonSyntaxException e -> problem(ProblemType.MALFORMED_BODY, firstLine(e), path);
      case ConversionErrorException e when isBody(e.getArgument()) ->
          problem(ProblemType.MALFORMED_BODY, firstLine(e), path);
      case UnsatisfiedArgumentException e when isBody(e.getArgument()) ->
          problem(ProblemType.MALFORMED_BODY, "a JSON object is required", path);
      case Throwable t when DatabaseFailures.unavailable(t) ->
          problem(
              ProblemType.DATABASE_UNAVAILABLE,
              "the database cannot be reached; nothing was changed",
              path);
      case NotFoundException e -> problem(ProblemType.NOT_FOUND, "nothing answers " + path, path);
      case HttpStatusException e -> byStatus(e.getStatus(), e.getMessage(), path);
      case null, default ->
          byStatus(
              status,
              context.getErrors().stream().map(er -> er.getMessage()).findFirst().orElse(null),
              path);
    };
  }

  private static Problem problem(ProblemType type, String detail, String path) {
    return new Problem(type.uri(), type.title(), type.status().getCode(), detail, path);
  }

  private static Problem byStatus(HttpStatus status, String message, String path) {
    if (status.getCode() >= 500) {
      // Never echo an unexpected exception's message to the caller: Micronaut has logged it.
      ProblemType t = ProblemType.INTERNAL;
      return new Problem(
          t.uri(), t.title(), status.getCode(), "an unexpected error occurred", path);
    }
    ProblemType type = BY_STATUS.getOrDefault(status, ProblemType.BAD_REQUEST);
    return new Problem(type.uri(), type.title(), status.getCode(), message, path);
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? "cannot be decoded" : e.getMessage();
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static boolean isBody(AnnotatedElement argument) {
    return argument.getAnnotationMetadata().hasAnnotation(Body.class);
  }
}
