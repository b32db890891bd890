package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The climate-risk site example (1 site × 4 scenarios × 80 years = 320 units, every hazard) on the
 * local stack: api and worker as processes, the Cloud Tasks emulator, PostgreSQL. It runs with 1, 7
 * and all 320 units per chunk, with fewer paths than the example's so that the three runs take
 * seconds; the {@code result.json} and {@code result.csv} downloads of the three are
 * byte-identical.
 */
class ClimateRiskEndToEndTest {
  static final int PATHS = 2_000;
  static SimRunStack stack;

  @BeforeAll
  static void startTheStack() {
    stack = SimRunStack.builder().start();
  }

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.close();
    }
  }

  /** The site example as a submit body, with {@link #PATHS} paths and the given chunk size. */
  static String siteExample(int unitsPerChunk) throws Exception {
    ObjectNode body =
        (ObjectNode)
            SimRunStack.read(Files.readString(Path.of("../examples/climate-risk-site.json")));
    ((ObjectNode) body.path("params")).put("paths", PATHS);
    body.put("name", "e2e climate site, " + unitsPerChunk + " units per chunk");
    body.putObject("chunking").put("unitsPerChunk", unitsPerChunk);
    return SimRunStack.JSON.writeValueAsString(body);
  }

  @Test
  void theSiteExampleSucceedsAndAnyChunkingDownloadsTheSameBytes() throws Exception {
    String one = stack.submit(siteExample(1));
    String seven = stack.submit(siteExample(7));
    String all = stack.submit(siteExample(320));
    Duration timeout = Duration.ofMinutes(5);
    byte[] byOne = stack.awaitResult(one, timeout);
    byte[] bySeven = stack.awaitResult(seven, timeout);
    byte[] byAll = stack.awaitResult(all, timeout);

    assertThat(stack.simulation(one).path("chunks").path("total").asInt()).isEqualTo(320);
    assertThat(stack.simulation(seven).path("chunks").path("total").asInt()).isEqualTo(46);
    assertThat(stack.simulation(all).path("chunks").path("total").asInt()).isEqualTo(1);
    assertThat(bySeven).as("result.json, unitsPerChunk 7 vs 1").isEqualTo(byOne);
    assertThat(byAll).as("result.json, unitsPerChunk 320 vs 1").isEqualTo(byOne);

    JsonNode result = SimRunStack.read(byOne);
    assertThat(result.path("units").asLong()).isEqualTo(320);
    assertThat(result.path("unitResults").size()).isEqualTo(320);
    assertThat(result.path("sitePaths").size()).isEqualTo(4);
    assertThat(result.path("sitePaths").get(3).path("aal").size()).isEqualTo(80);
    assertThat(result.path("portfolio").size()).isEqualTo(320);
    JsonNode last = result.path("unitResults").get(319);
    assertThat(last.path("scenario").asText()).isEqualTo("SSP5-8.5");
    assertThat(last.path("year").asInt()).isEqualTo(2100);
    assertThat(last.path("hazards").size()).isEqualTo(9);
    assertThat(last.path("aal").asDouble()).isPositive();

    byte[] csvOne = csv(one);
    assertThat(csv(seven)).as("result.csv, unitsPerChunk 7 vs 1").isEqualTo(csvOne);
    assertThat(csv(all)).as("result.csv, unitsPerChunk 320 vs 1").isEqualTo(csvOne);
    List<String> lines = new String(csvOne, StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1 + 320 * 10);
    assertThat(lines.getFirst()).startsWith("unit,site,scenario,year,hazard,");
    assertThat(lines.get(1)).startsWith("0,rotterdam-plant,SSP1-2.6,2021,flood,");
    assertThat(lines.get(10)).startsWith("0,rotterdam-plant,SSP1-2.6,2021,total,");
  }

  private static byte[] csv(String id) {
    HttpResponse<byte[]> csv = stack.get("/api/v1/simulations/" + id + "/result.csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    return csv.body();
  }
}
