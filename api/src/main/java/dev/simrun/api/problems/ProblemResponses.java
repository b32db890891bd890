package dev.simrun.api.problems;

import dev.simrun.kinds.FieldError;
import dev.simrun.shared.simulations.DatabaseFailures;
import io.micronaut.core.annotation.AnnotatedElement;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.exceptions.NotFoundException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.json.JsonSyntaxException;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where errors become answers. Micronaut's own exception handlers (unknown route,
 * wrong method, media type, body too large, JSON syntax, conversion, constraint violations) and
 * {@link ProblemExceptionHandler} all call this processor; its being a bean switches Micronaut's
 * default JSON error body off.
 */
@Singleton
public class ProblemResponses implements ErrorResponseProcessor<Problem> {
  private static final URI ABOUT_BLANK = URI.create("about:blank");
  private static final Map<HttpStatus, ProblemType> BY_STATUS =
      Map.of(
          HttpStatus.BAD_REQUEST, ProblemType.BAD_REQUEST,
          HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND,
          HttpStatus.METHOD_NOT_ALLOWED, ProblemType.METHOD_NOT_ALLOWED,
          HttpStatus.NOT_ACCEPTABLE, ProblemType.NOT_ACCEPTABLE,
          HttpStatus.REQUEST_ENTITY_TOO_LARGE, ProblemType.PAYLOAD_TOO_LARGE,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemType.UNSUPPORTED_MEDIA_TYPE);

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<Problem> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    HttpRequest<?> request = context.getRequest();
    Problem problem = problem(context, response.status());
    MutableHttpResponse<?> out = response.status(problem.status());
    if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE.getCode()
        && !out.getHeaders().contains(HttpHeaders.RETRY_AFTER)) {
      out.header(HttpHeaders.RETRY_AFTER, "5");
    }
    if (request.getMethod() == HttpMethod.HEAD) {
      return (MutableHttpResponse<Problem>) out;
    }
    return ((MutableHttpResponse<Problem>) out)
        .body(problem)
        .contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE);
  }

  private Problem problem(ErrorContext context, HttpStatus status) {
    String path = context.getRequest().getPath();
    return switch (context.getRootCause().orElse(null)) {
      case Throwable t when DatabaseFailures.unavailable(t) ->
          of(
              ProblemType.DATABASE_UNAVAILABLE,
              "the database cannot be reached right now; nothing was changed, try again shortly",
              List.of(),
              path);
      case ProblemException p -> of(p.type(), p.getMessage(), p.errors(), path);
      case JsonSyntaxException e -> malformed("", JsonErrors.message(e), path);
      case ConversionErrorException e when isBody(e.getArgument()) ->
          malformed(JsonErrors.path(e), JsonErrors.message(e), path);
      case ConversionErrorException e -> conversion(e, path);
      case UnsatisfiedArgumentException e when isBody(e.getArgument()) ->
          malformed("", "a JSON object is required", path);
      case UnsatisfiedArgumentException e ->
          parameter(e.getArgument().getName(), "is required", path);
      case ConstraintViolationException e -> constraints(e, path);
      case ContentLengthExceededException e -> tooLarge(e, path);
      case BufferLengthExceededException e -> tooLarge(e, path);
      case NotFoundException e -> notFound(context.getRequest());
      case HttpStatusException e -> byStatus(e.getStatus(), e.getMessage(), path);
      case null, default -> byStatus(status, firstMessage(context), path);
    };
  }

  private static Problem of(ProblemType type, String detail, List<FieldError> errors, String path) {
    return new Problem(
        type.uri(),
        type.title(),
        type.status().getCode(),
        detail,
        path,
        errors.isEmpty() ? null : errors);
  }

  private static Problem malformed(String field, String message, String path) {
    String name = field.isEmpty() ? "body" : field;
    return of(
        ProblemType.MALFORMED_BODY,
        field.isEmpty() ? message : field + ": " + message,
        List.of(new FieldError(name, message)),
        path);
  }

  private static Problem parameter(String name, String message, String path) {
    return of(
        ProblemType.INVALID_PARAMETER,
        name + ": " + message,
        List.of(new FieldError(name, message)),
        path);
  }

  private static Problem conversion(ConversionErrorException e, String path) {
    Argument<?> argument = e.getArgument();
    String value = e.getConversionError().getOriginalValue().map(String::valueOf).orElse("");
    return parameter(
        argument.getName(),
        "'" + value + "' is not a valid " + argument.getType().getSimpleName(),
        path);
  }

  private static Problem constraints(ConstraintViolationException e, String path) {
    List<FieldError> errors =
        e.getConstraintViolations().stream()
            .map(v -> new FieldError(field(v), v.getMessage()))
            .sorted(Comparator.comparing(FieldError::field))
            .toList();
    String detail =
        errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
    return of(ProblemType.INVALID_PARAMETER, detail, errors, path);
  }

  /** The violation's path without the method node: {@code limit}, not {@code list.limit}. */
  private static String field(ConstraintViolation<?> violation) {
    StringBuilder field = new StringBuilder();
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
        continue;
      }
      if (node.getIndex() != null) {
        field.append('[').append(node.getIndex()).append(']');
      }
      if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
        field.append(field.isEmpty() ? "" : ".").append(node.getName());
      }
    }
    return field.toString();
  }

  private static Problem tooLarge(RuntimeException e, String path) {
    return of(ProblemType.PAYLOAD_TOO_LARGE, e.getMessage(), List.of(), path);
  }

  private static Problem notFound(HttpRequest<?> request) {
    return of(
        ProblemType.NOT_FOUND,
        "nothing answers " + request.getMethodName() + " " + request.getPath(),
        List.of(),
        request.getPath());
  }

  private static Problem byStatus(HttpStatus status, String message, String path) {
    if (status.getCode() >= 500) {
      // Never echo an unexpected exception's message to the caller: Micronaut has logged it.
      ProblemType t = ProblemType.INTERNAL;
      return new Problem(
          t.uri(), t.title(), status.getCode(), "an unexpected error occurred", path, null);
    }
    ProblemType type = BY_STATUS.get(status);
    if (type == null) {
      return new Problem(ABOUT_BLANK, status.getReason(), status.getCode(), message, path, null);
    }
    return of(type, message, List.of(), path);
  }

  private static String firstMessage(ErrorContext context) {
    return context.getErrors().stream()
        .map(Error::getMessage)
        .findFirst()
        .orElse(context.getRootCause().map(Throwable::getMessage).orElse(null));
  }

  private static boolean isBody(AnnotatedElement argument) {
    return argument.getAnnotationMetadata().hasAnnotation(Body.class);
  }
}
