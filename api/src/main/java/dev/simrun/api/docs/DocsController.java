package dev.simrun.api.docs;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The API reference. The document describes routes and holds no data, so it needs no sign-in, like
 * the console's pages. The page is Swagger UI from its WebJar (served at {@code /webjars/…})
 * started by an external script, so it works under a Content-Security-Policy that allows no inline
 * script.
 */
@Hidden
@Controller("/api/docs")
@Secured(SecurityRule.IS_ANONYMOUS)
class DocsController {
  static final String DOCUMENT = "META-INF/swagger/simrun-api.yml";

  /** The console's policy: script and styles from this origin only, never inline. */
  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private final byte[] document;
  private final byte[] page;
  private final byte[] script;

  DocsController() {
    this.document = resource(DOCUMENT);
    String ui = "/webjars/swagger-ui/" + swaggerUiVersion() + "/";
    this.page =
        new String(resource("docs/index.html"), StandardCharsets.UTF_8)
            .replace("{{swagger-ui}}", ui)
            .getBytes(StandardCharsets.UTF_8);
    this.script = resource("docs/docs.js");
  }

  @Get
  HttpResponse<byte[]> page() {
    return secure(HttpResponse.ok(page))
        .contentType("text/html;charset=utf-8")
        .header("Cache-Control", "no-cache");
  }

  @Get("/openapi.yml")
  HttpResponse<byte[]> document() {
    return secure(HttpResponse.ok(document))
        .contentType("application/yaml")
        .header("Cache-Control", "no-cache");
  }

  @Get("/docs.js")
  HttpResponse<byte[]> script() {
    return secure(HttpResponse.ok(script))
        .contentType("text/javascript;charset=utf-8")
        .header("Cache-Control", "no-cache");
  }

  private static <T> MutableHttpResponse<T> secure(MutableHttpResponse<T> response) {
    return response
        .header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "same-origin")
        .header("X-Frame-Options", "DENY");
  }

  /** The WebJar on the classpath says its version: the pom alone pins it. */
  static String swaggerUiVersion() {
    Properties p = new Properties();
    try {
      p.load(
          new ByteArrayInputStream(
              resource("META-INF/maven/org.webjars/swagger-ui/pom.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static byte[] resource(String path) {
    try (InputStream in = DocsController.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing from the classpath: " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
