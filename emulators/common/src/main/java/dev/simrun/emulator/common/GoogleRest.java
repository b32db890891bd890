package dev.simrun.emulator.common;

import io.grpc.Status;

/**
 * What the emulators' REST gateways answer as Google's APIs do: the HTTP status of a gRPC status
 * code, Google's JSON error shape, and JSON string literals for the answers they write by hand.
 */
public final class GoogleRest {
  private GoogleRest() {}

  /** Google's JSON error shape: {@code {"error": {"code", "message", "status"}}}. */
  public static String error(Status status) {
    String message = status.getDescription() == null ? "" : status.getDescription();
    return "{\"error\":{\"code\":"
        + httpStatus(status.getCode())
        + ",\"message\":"
        + quote(message)
        + ",\"status\":\""
        + status.getCode().name()
        + "\"}}";
  }

  /** The HTTP status Google's REST APIs answer for a gRPC status code. */
  public static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
