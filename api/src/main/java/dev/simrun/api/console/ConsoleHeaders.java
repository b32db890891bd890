package dev.simrun.api.console;

import io.micronaut.http.MutableHttpResponse;

/** The headers every console response carries, and the content type of each asset. */
final class ConsoleHeaders {
  /**
   * Script and styles from this origin only, never inline; no plugins, frames or foreign forms;
   * fetches and event streams to this origin only, and, with email and password sign-in, to the
   * Identity Toolkit's origin (exactly that one).
   *
   * @param toolkitOrigin {@code scheme://host[:port]} of the Identity Toolkit the sign-in page
   *     posts to, or null without password sign-in
   */
  static String policy(String toolkitOrigin) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " connect-src 'self'"
        + (toolkitOrigin == null ? "" : " " + toolkitOrigin)
        + "; font-src 'self'; manifest-src 'self'; base-uri 'none';"
        + " form-action 'self'; frame-ancestors 'none'";
  }

  private ConsoleHeaders() {}

  static <T> MutableHttpResponse<T> secure(MutableHttpResponse<T> response, String policy) {
    return response
        .header("Content-Security-Policy", policy)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "same-origin")
        .header("X-Frame-Options", "DENY")
        .header("Cross-Origin-Opener-Policy", "same-origin");
  }

  static String type(String path) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    return switch (ext) {
      case "js", "mjs" -> "text/javascript;charset=utf-8";
      case "css" -> "text/css;charset=utf-8";
      case "json" -> "application/json";
      case "svg" -> "image/svg+xml";
      case "html" -> "text/html;charset=utf-8";
      case "png" -> "image/png";
      default -> "application/octet-stream";
    };
  }
}
