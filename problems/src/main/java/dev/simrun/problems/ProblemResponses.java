package dev.simrun.problems;

import dev.simrun.kinds.FieldError;
import dev.simrun.shared.simulations.DatabaseFailures;
import io.micronaut.core.annotation.AnnotatedElement;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where errors become answers. Micronaut's own exception handlers (unknown route,
 * wrong method, media type, body too large, JSON syntax, conversion, constraint violations) and the
 * handlers of this package all call this processor; its being a bean switches Micronaut's default
 * JSON error body off.
 */
@Singleton
public class ProblemResponses implements ErrorResponseProcessor<Problem> {
  private static final URI ABOUT_BLANK = URI.create("about:blank");
  private static final Map<HttpStatus, ProblemType> BY_STATUS =
      Map.of(
          HttpStatus.BAD_REQUEST, ProblemTypes.BAD_REQUEST,
          HttpStatus.UNAUTHORIZED, ProblemTypes.UNAUTHENTICATED,
          HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN,
          HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND,
          HttpStatus.METHOD_NOT_ALLOWED, ProblemTypes.METHOD_NOT_ALLOWED,
          HttpStatus.NOT_ACCEPTABLE, ProblemTypes.NOT_ACCEPTABLE,
          HttpStatus.REQUEST_ENTITY_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE);

  private final ProblemPolicy policy;

  ProblemResponses(ProblemPolicy policy) {
    this.policy = policy;
  }

  /**
   * An answer of {@code type} with {@code detail} for the request path {@code path}, for code that
   * returns a response rather than throwing (a filter, an outcome that is not an exception).
   */
  public static MutableHttpResponse<Problem> of(ProblemType type, String detail, String path) {
    return HttpResponse.<Problem>status(type.status())
        .body(problem(type, detail, List.of(), path))
        .contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE);
  }

  /** The answer to {@code problem}: its status, its {@code Retry-After} if any, its body. */
  public MutableHttpResponse<Problem> respond(HttpRequest<?> request, ProblemException problem) {
    MutableHttpResponse<?> response = HttpResponse.status(problem.type().status());
    if (problem.retryAfter() != null) {
      response.header(HttpHeaders.RETRY_AFTER, seconds(problem.retryAfter()));
    }
    return processResponse(ErrorContext.builder(request).cause(problem).build(), response);
  }

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<Problem> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    HttpRequest<?> request = context.getRequest();
    Problem problem = problem(context, response.status());
    MutableHttpResponse<?> out = response.status(problem.status());
    // A problem that reaches here without respond(), as the error of a streamed response does,
    // still tells the caller when to try again.
    if (context.getRootCause().orElse(null) instanceof ProblemException p
        && p.retryAfter() != null
        && !out.getHeaders().contains(HttpHeaders.RETRY_AFTER)) {
      out.header(HttpHeaders.RETRY_AFTER, seconds(p.retryAfter()));
    }
    if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE.getCode()
        && !out.getHeaders().contains(HttpHeaders.RETRY_AFTER)) {
      policy
          .retryAfterUnavailable()
          .ifPresent(d -> out.header(HttpHeaders.RETRY_AFTER, seconds(d)));
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
          problem(ProblemTypes.DATABASE_UNAVAILABLE, policy.databaseUnavailable(), List.of(), path);
      case ProblemException p -> problem(p.type(), p.getMessage(), p.errors(), path);
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

  private static Problem problem(
      ProblemType type, String detail, List<FieldError> errors, String path) {
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
    return problem(
        ProblemTypes.MALFORMED_BODY,
        field.isEmpty() ? message : field + ": " + message,
        List.of(new FieldError(name, message)),
        path);
  }

  private static Problem parameter(String name, String message, String path) {
    return problem(
        ProblemTypes.INVALID_PARAMETER,
        name + ": " + message,
        List.of(new FieldError(name, message)),
        path);
  }

  /** A header, path or query value that is not of its type; for an enum, the values it may be. */
  private static Problem conversion(ConversionErrorException e, String path) {
    Argument<?> argument = e.getArgument();
    Class<?> type = argument.getType();
    if (type.isEnum()) {
      return parameter(
          argument.getName(), "must be one of " + Arrays.toString(type.getEnumConstants()), path);
    }
    String value = e.getConversionError().getOriginalValue().map(String::valueOf).orElse("");
    return parameter(
        argument.getName(), "'" + value + "' is not a valid " + type.getSimpleName(), path);
  }

  private static Problem constraints(ConstraintViolationException e, String path) {
    List<FieldError> errors =
        e.getConstraintViolations().stream()
            .map(v -> new FieldError(field(v), v.getMessage()))
            .sorted(Comparator.comparing(FieldError::field))
            .toList();
    String detail =
        errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
    return problem(ProblemTypes.INVALID_PARAMETER, detail, errors, path);
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
    return problem(ProblemTypes.PAYLOAD_TOO_LARGE, e.getMessage(), List.of(), path);
  }

  private static Problem notFound(HttpRequest<?> request) {
    return problem(
        ProblemTypes.NOT_FOUND,
        "nothing answers " + request.getMethodName() + " " + request.getPath(),
        List.of(),
        request.getPath());
  }

  private static Problem byStatus(HttpStatus status, String message, String path) {
    if (status.getCode() >= 500) {
      // Never echo an unexpected exception's message to the caller: Micronaut has logged it.
      ProblemType t = ProblemTypes.INTERNAL;
      return new Problem(
          t.uri(), t.title(), status.getCode(), "an unexpected error occurred", path, null);
    }
    ProblemType type = BY_STATUS.get(status);
    if (type == null) {
      return new Problem(ABOUT_BLANK, status.getReason(), status.getCode(), message, path, null);
    }
    return problem(type, message, List.of(), path);
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

  private static String seconds(Duration after) {
    return Long.toString(Math.max(1, after.toSeconds()));
  }
}
