package dev.simrun.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.TestStack;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console is served by the api: its pages share one HTML shell that is never cached and carries
 * a strict Content-Security-Policy; its assets live under a content-hashed path cached for a year;
 * uPlot comes from its WebJar at the version the scripts import. None needs a token, and the api's
 * own routes still do.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest implements TestPropertyProvider {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern ASSET = Pattern.compile("/console/([0-9a-f]{12})/app\\.js");

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  private HttpResponse<byte[]> get(String path, String... headers) {
    try {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + path));
      if (headers.length > 0) {
        r.headers(headers);
      }
      return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private String version() {
    Matcher m = ASSET.matcher(text(get("/")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/sign-in",
        "/simulations/new",
        "/simulations/any-id",
        "/datasets",
        "/dead-letters",
        "/batches"
      })
  void everyPageIsTheShellNeverCachedUnderAStrictPolicy(String path) {
    HttpResponse<byte[]> r = get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/html"));
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String policy = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
    String html = text(r);
    assertThat(html).contains("<script type=\"module\" src=\"/console/").doesNotContain("{{");
    // No inline script: every <script> names its source.
    assertThat(html.split("<script").length - 1)
        .isEqualTo(html.split("<script[^>]* src=").length - 1);
    // This api has the development sign-in route, so the page offers it.
    assertThat(html).contains("data-sign-in=\"development\"");
  }

  @Test
  void assetsAreCachedForAYearUnderTheirContentHash() {
    String v = version();
    for (String asset : new String[] {"app.js", "api.js", "console.css", "simulation.js"}) {
      HttpResponse<byte[]> r = get("/console/" + v + "/" + asset);
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control"))
          .hasValue("public, max-age=31536000, immutable");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
    assertThat(get("/console/" + v + "/app.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/javascript"));
    // Another release's path, or a file that is not there: not found, never this release's bytes.
    assertThat(get("/console/000000000000/app.js").statusCode()).isEqualTo(404);
    assertThat(get("/console/" + v + "/nothing.js").statusCode()).isEqualTo(404);
    assertThat(get("/console/" + v + "/../application.yml").statusCode()).isEqualTo(404);
  }

  @Test
  void scriptsTravelCompressed() throws IOException {
    HttpResponse<byte[]> r = get("/console/" + version() + "/new.js", "Accept-Encoding", "gzip");
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("export async");
    }
  }

  @Test
  void theExamplesAreServedWithAnIndex() {
    String v = version();
    String index = text(get("/console/" + v + "/examples/index.json"));
    assertThat(index)
        .contains("\"file\":\"strategy-backtest.json\"", "\"kind\":\"strategy-backtest\"")
        .contains("\"kind\":\"forecast-backtest\"");
    assertThat(text(get("/console/" + v + "/examples/strategy-backtest.json")))
        .contains("\"kind\": \"strategy-backtest\"");
  }

  @Test
  void uPlotComesFromItsWebJarAtTheVersionTheChartLoads() {
    String chart = text(get("/console/" + version() + "/chart.js"));
    Matcher m = Pattern.compile("'(/webjars/uplot/[^']+/)'").matcher(chart);
    assertThat(m.find()).isTrue();
    for (String file : new String[] {"uPlot.iife.min.js", "uPlot.min.css"}) {
      assertThat(chart).contains("'" + file + "'");
      HttpResponse<byte[]> r = get(m.group(1) + file);
      assertThat(r.statusCode()).as(m.group(1) + file).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control"))
          .hasValue("public, max-age=31536000, immutable");
    }
    assertThat(get("/webjars/uplot/1.6.30/package.json").statusCode()).isEqualTo(404);
  }

  @Test
  void theApiStillWantsAToken() {
    HttpResponse<byte[]> r = get("/api/v1/me");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/simulations").statusCode()).isEqualTo(401);
  }
}
