package dev.simrun.api.console;

import dev.simrun.api.identity.PasswordSignIn;
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
  private final String policy;

  /**
   * The shell says how people sign in ({@code data-sign-in}): {@code password} with Identity
   * Platform's email and password when its web API key is set (the key and the toolkit's URL in
   * {@code data-api-key} and {@code data-toolkit-url}: the key is public by design, see {@link
   * PasswordSignIn}); else {@code development} where the development sign-in route exists; else
   * {@code provider}, behind IAP, which signs people in before they reach the page.
   */
  ConsoleController(
      ConsoleAssets assets,
      @Value("${simrun.identity.development-sign-in:}") String developmentSignIn,
      PasswordSignIn password) {
    this.assets = assets;
    String html =
        new String(
            assets.file("index.html").orElseThrow(() -> new IllegalStateException("no shell")),
            StandardCharsets.UTF_8);
    String signIn;
    if (password.enabled()) {
      signIn = "password";
    } else if (!developmentSignIn.isBlank()) {
      signIn = "development";
    } else {
      signIn = "provider";
    }
    this.shell =
        html.replace("{{version}}", assets.version())
            .replace("{{sign-in}}", signIn)
            .replace("{{api-key}}", password.enabled() ? attribute(password.apiKey()) : "")
            .replace("{{toolkit-url}}", password.enabled() ? attribute(password.toolkitUrl()) : "")
            .getBytes(StandardCharsets.UTF_8);
    this.policy = ConsoleHeaders.policy(password.enabled() ? password.toolkitOrigin() : null);
  }

  /** Text safe inside a double-quoted HTML attribute. */
  private static String attribute(String value) {
    return value
        .replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
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
    return cached(assets.file(path), path, policy);
  }

  /** uPlot and any other WebJar: its version is in its path, so it is cached for a year. */
  @Get("/webjars/{+path}")
  HttpResponse<byte[]> webJar(@PathVariable String path) {
    if (!path.endsWith(".js") && !path.endsWith(".css")) {
      return HttpResponse.notFound();
    }
    return cached(ConsoleAssets.webJar(path), path, policy);
  }

  private HttpResponse<byte[]> html() {
    return ConsoleHeaders.secure(HttpResponse.ok(shell), policy)
        .contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8")
        .header("Cache-Control", "no-cache");
  }

  private static HttpResponse<byte[]> cached(Optional<byte[]> file, String path, String policy) {
    if (file.isEmpty()) {
      return HttpResponse.notFound();
    }
    MutableHttpResponse<byte[]> response =
        ConsoleHeaders.secure(HttpResponse.ok(file.get()), policy)
            .contentType(ConsoleHeaders.type(path))
            .header("Cache-Control", YEAR);
    return response;
  }
}
