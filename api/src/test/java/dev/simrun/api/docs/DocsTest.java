package dev.simrun.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API reference: the generated document names every /api/ route the application serves, each
 * behind the two security schemes, and Swagger UI loads without sign-in under a strict CSP with
 * every asset from the api itself.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsTest implements TestPropertyProvider {
  private static final Pattern PATH = Pattern.compile("^  (/\\S+):$");
  private static final Pattern OPERATION =
      Pattern.compile("^    (get|put|post|delete|options|head|patch|trace):$");

  @Inject
  @Client("/")
  HttpClient http;

  @Inject Router router;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @Test
  void theDocumentListsEveryApiRouteTheRouterServes() {
    Set<String> served =
        router
            .uriRoutes()
            .filter(r -> r.getUriMatchTemplate().toString().startsWith("/api/"))
            .filter(r -> !r.getUriMatchTemplate().toString().startsWith("/api/docs"))
            .filter(r -> !r.getHttpMethod().name().equals("HEAD"))
            .map(r -> r.getHttpMethod() + " " + r.getUriMatchTemplate().toString())
            .collect(Collectors.toCollection(TreeSet::new));

    // The generated YAML: a path at two spaces' indent, its operations at four.
    Set<String> documented = new TreeSet<>();
    String path = null;
    for (String line : document().lines().toList()) {
      Matcher p = PATH.matcher(line);
      Matcher o = OPERATION.matcher(line);
      if (p.matches()) {
        path = p.group(1);
      } else if (!line.startsWith("  ")) {
        path = null;
      } else if (path != null && o.matches()) {
        documented.add(o.group(1).toUpperCase(Locale.ROOT) + " " + path);
      }
    }

    assertThat(served).hasSizeGreaterThan(10);
    assertThat(documented).isEqualTo(served);
    // Each operation names its problem+json refusals (ProblemAnswers, on every API controller).
    assertThat(document().split("\n        \"4XX\":", -1)).hasSize(documented.size() + 1);
    // ...and sits under a named group of the reference, never Swagger UI's "default".
    assertThat(document().split("\n      tags:\n", -1)).hasSize(documented.size() + 1);
  }

  @Test
  void theDocumentNamesTheApiAndHowToSignIn() {
    String doc = document();
    assertThat(doc)
        .contains("title: SimRun API")
        .contains("securitySchemes:")
        .contains("scheme: bearer")
        .contains("bearerFormat: JWT")
        .contains("in: cookie")
        .contains("name: simrun_session")
        .doesNotContain("name: caller");
  }

  @Test
  void theUiLoadsWithoutSignInUnderAStrictPolicyWithItsAssetsFromTheApi() {
    HttpResponse<String> page =
        http.toBlocking().exchange(HttpRequest.GET("/api/docs"), String.class);
    assertThat(page.getContentType().orElseThrow().toString()).startsWith("text/html");
    String policy = page.header("Content-Security-Policy");
    assertThat(policy).contains("script-src 'self';").doesNotContain("unsafe");
    String html = page.body();
    assertThat(html)
        .doesNotContain("<script>")
        .doesNotContain("http://")
        .doesNotContain("https://");

    List<String> assets = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertThat(assets)
        .contains(
            "/webjars/swagger-ui/" + DocsController.swaggerUiVersion() + "/swagger-ui-bundle.js",
            "/webjars/swagger-ui/" + DocsController.swaggerUiVersion() + "/swagger-ui.css",
            "/api/docs/docs.js");
    for (String asset : assets) {
      HttpResponse<byte[]> served =
          http.toBlocking().exchange(HttpRequest.GET(asset), byte[].class);
      assertThat(served.status().getCode()).as(asset).isEqualTo(200);
      assertThat(served.body()).as(asset).isNotEmpty();
    }
    String script =
        new String(
            http.toBlocking().retrieve(HttpRequest.GET("/api/docs/docs.js"), byte[].class),
            StandardCharsets.UTF_8);
    assertThat(script).contains("SwaggerUIBundle").contains("/api/docs/openapi.yml");
  }

  private String document() {
    return http.toBlocking().retrieve(HttpRequest.GET("/api/docs/openapi.yml"));
  }
}
