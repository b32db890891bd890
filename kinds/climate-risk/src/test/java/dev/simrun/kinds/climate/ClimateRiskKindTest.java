package dev.simrun.kinds.climate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.ResultTable;
import dev.simrun.kinds.UnitRange;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClimateRiskKindTest {
  private final ClimateRiskKind kind = new ClimateRiskKind();
  private final ObjectMapper json = ObjectMapper.getDefault();

  @Test
  void theResultIsByteIdenticalForChunkSizesOneSevenAndAll() throws IOException {
    ClimateParams params = ClimateFixtures.portfolio(2_000, 42);
    int units = (int) kind.unitCount(params);
    assertThat(units).isEqualTo(3 * 2 * 3);
    byte[] one = json.writeValueAsBytes(InMemoryRun.run(kind, params, 1));
    assertThat(json.writeValueAsBytes(InMemoryRun.run(kind, params, 7))).isEqualTo(one);
    assertThat(json.writeValueAsBytes(InMemoryRun.run(new ClimateRiskKind(), params, units)))
        .isEqualTo(one);
    // Through JSON, as the pipeline stores chunk results.
    ClimateChunkResult chunk = kind.runChunk(params, new UnitRange(3, 9), ChunkContext.NONE);
    ClimateChunkResult read =
        json.readValue(json.writeValueAsBytes(chunk), ClimateChunkResult.class);
    assertThat(read).isEqualTo(chunk);
  }

  @Test
  void unitsRunSiteThenScenarioThenYear() {
    ClimateParams params = ClimateFixtures.portfolio(100, 1);
    ClimateResult result = InMemoryRun.run(kind, params, 5);
    ClimateUnitResult u = result.unitResults().get(1 * 6 + 1 * 3 + 2);
    assertThat(u.site()).isEqualTo("plant");
    assertThat(u.scenario()).isEqualTo("SSP5-8.5");
    assertThat(u.year()).isEqualTo(2090);
    assertThat(u.hazards())
        .extracting(ClimateUnitResult.HazardResult::hazard)
        .isEqualTo(Hazards.IDS);
    double sum = 0;
    for (ClimateUnitResult.HazardResult h : u.hazards()) {
      sum += h.aal();
    }
    assertThat(u.aal()).isEqualTo(sum);
  }

  @Test
  void addingASiteOrAHazardLeavesTheOthersNumbersAlone() {
    ClimateParams small =
        ClimateFixtures.params(
            List.of(ClimateFixtures.site("plant", 45.0, 2e8, "industrial")),
            List.of("SSP5-8.5"),
            List.of(2050),
            List.of("flood"),
            5_000,
            9);
    ClimateParams large =
        ClimateFixtures.params(
            List.of(
                ClimateFixtures.site("other", 10.0, 1e6, "residential"),
                ClimateFixtures.site("plant", 45.0, 2e8, "industrial")),
            List.of("SSP1-2.6", "SSP5-8.5"),
            List.of(2030, 2050),
            List.of("wildfire", "flood"),
            5_000,
            9);
    ClimateUnitResult a = InMemoryRun.run(kind, small, 1).unitResults().getFirst();
    ClimateUnitResult b = InMemoryRun.run(kind, large, 3).unitResults().get((1 * 2 + 1) * 2 + 1);
    assertThat(b.site()).isEqualTo("plant");
    assertThat(b.hazards().get(1)).isEqualTo(a.hazards().getFirst());
  }

  @Test
  void theReduceGivesSitePathsAndThePortfolio() {
    ClimateParams params = ClimateFixtures.portfolio(1_000, 3);
    ClimateResult result = InMemoryRun.run(kind, params, 4);
    assertThat(result.sitePaths()).hasSize(6);
    ClimateResult.SitePath path = result.sitePaths().get(3); // plant, SSP5-8.5
    assertThat(path.site()).isEqualTo("plant");
    assertThat(path.scenario()).isEqualTo("SSP5-8.5");
    assertThat(path.years()).containsExactly(2030, 2050, 2090);
    assertThat(path.aal().get(2)).isEqualTo(result.unitResults().get(1 * 6 + 3 + 2).aal());
    assertThat(result.portfolio()).hasSize(6);
    ClimateResult.PortfolioYear year = result.portfolio().get(4); // SSP5-8.5, 2050
    assertThat(year.scenario()).isEqualTo("SSP5-8.5");
    assertThat(year.year()).isEqualTo(2050);
    double total = 0;
    for (int site = 0; site < 3; site++) {
      total += result.unitResults().get(site * 6 + 3 + 1).aal();
    }
    assertThat(year.totalAal()).isEqualTo(total);
    assertThat(year.assetValue()).isEqualTo(2.6e8);
    assertThat(year.topSites()).hasSize(3);
    assertThat(year.topSites().get(0).aal()).isGreaterThanOrEqualTo(year.topSites().get(1).aal());
    Map<String, Object> summary = kind.summary(result);
    assertThat(summary).containsEntry("units", 18L).containsKey("portfolioAal");
  }

  @Test
  void theTableHasARowPerUnitAndHazardAndATotal() {
    ClimateParams params = ClimateFixtures.portfolio(200, 3);
    ClimateResult result = InMemoryRun.run(kind, params, 18);
    ResultTable table = kind.table(params, result).orElseThrow();
    assertThat(table.columns()).startsWith("unit", "site", "scenario", "year", "hazard");
    assertThat(table.columns()).endsWith("pAbove0.001", "pAbove0.01", "pAbove0.05", "pAbove0.1");
    List<List<?>> rows = table.rows().toList();
    assertThat(rows).hasSize(18 * 10);
    assertThat(rows.get(9).get(4)).isEqualTo("total");
    assertThat(rows.get(9).get(11)).isEqualTo(result.unitResults().getFirst().aal());
    for (List<?> row : rows) {
      assertThat(row).hasSize(table.columns().size());
    }
  }

  @Test
  void reduceRefusesMissingOrRepeatedUnits() {
    ClimateParams params = ClimateFixtures.portfolio(100, 3);
    ClimateChunkResult first = kind.runChunk(params, new UnitRange(0, 9), ChunkContext.NONE);
    assertThatThrownBy(() -> kind.reduce(params, List.of(first)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> kind.reduce(params, List.of(first, first)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theExamplesAreValidAndAsLargeAsDescribed() throws IOException {
    Path examples = Path.of("../../examples");
    ClimateParams site = params(examples.resolve("climate-risk-site.json"));
    assertThat(kind.validate(site)).isEmpty();
    assertThat(kind.unitCount(site)).isEqualTo(320);
    ClimateParams screening = params(examples.resolve("climate-risk-screening.json"));
    assertThat(kind.validate(screening)).isEmpty();
    assertThat(kind.unitCount(screening)).isEqualTo(250 * 16 * 4);
    assertThat(screening.paths()).isEqualTo(10_000);
  }

  private ClimateParams params(Path example) throws IOException {
    Map<?, ?> body = json.readValue(Files.readAllBytes(example), Map.class);
    assertThat(body.get("kind")).isEqualTo("climate-risk");
    return json.readValue(json.writeValueAsBytes(body.get("params")), ClimateParams.class);
  }
}
