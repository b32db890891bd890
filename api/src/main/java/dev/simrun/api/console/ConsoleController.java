package dev.simrun.api.console;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Serves the console: the same HTML shell at each of its pages (the page's script routes), its
 * assets under {@code /console/<content hash>/}, and WebJars under {@code
 * /webjars/<name>/<version>/}. None of these needs a token: the page asks {@code /api/v1/me} and
 * shows the sign-in page on 401. The pages are no part of the API reference.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
class ConsoleController {
  private static final String YEAR = "public, max-age=31536000, immutable";

  private final ConsoleAssets assets;
  private final byte[] shell;

  ConsoleController(
      ConsoleAssets assets,
      @Value("${simrun.identity.development-sign-in:}") String developmentSignIn) {
    this.assets = assets;
    String html =
        new String(
            assets.file("index.html").orElseThrow(() -> new IllegalStateException("no shell")),
            StandardCharsets.UTF_8);
    this.shell =
        html.replace("{{version}}", assets.version())
            .replace("{{sign-in}}", developmentSignIn.isBlank() ? "provider" : "development")
            .getBytes(StandardCharsets.UTF_8);
  }

  @Get(uris = {"/", "/sign-in", "/simulations/new", "/datasets", "/dead-letters", "/batches"})
  HttpResponse<byte[]> page() {
    return html();
  }

  @Get("/simulations/{id}")
  HttpResponse<byte[]> simulation(@PathVariable String id) {
    return html();
  }

  /** An asset of this release; another release's (an old page after a deploy) is not found. */
  @Get("/console/{version}/{+path}")
  HttpResponse<byte[]> asset(@PathVariable String version, @PathVariable String path) {
    if (!version.equals(assets.version())) {
      return HttpResponse.notFound();
    }
    return cached(assets.file(path), path);
  }

  /** uPlot and any other WebJar: its version is in its path, so it is cached for a year. */
  @Get("/webjars/{+path}")
  HttpResponse<byte[]> webJar(@PathVariable String path) {
    if (!path.endsWith(".js") && !path.endsWith(".css")) {
      return HttpResponse.notFound();
    }
    return cached(ConsoleAssets.webJar(path), path);
  }

  private HttpResponse<byte[]> html() {
    return ConsoleHeaders.secure(HttpResponse.ok(shell))
        .contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8")
        .header("Cache-Control", "no-cache");
  }

  private static HttpResponse<byte[]> cached(Optional<byte[]> file, String path) {
    if (file.isEmpty()) {
      return HttpResponse.notFound();
    }
    MutableHttpResponse<byte[]> response =
        ConsoleHeaders.secure(HttpResponse.ok(file.get()))
            .contentType(ConsoleHeaders.type(path))
            .header("Cache-Control", YEAR);
    return response;
  }
}
