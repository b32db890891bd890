package dev.simrun.kinds.climate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.FieldError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClimateValidationTest {
  private final ClimateRiskKind kind = new ClimateRiskKind();

  private static ClimateParams with(
      List<ClimateParams.Site> sites,
      List<String> scenarios,
      ClimateParams.Years years,
      List<String> hazards,
      Integer paths,
      List<Double> thresholds,
      ClimateParams.Tables tables) {
    return new ClimateParams(sites, scenarios, years, hazards, paths, 1L, thresholds, tables);
  }

  private static final List<ClimateParams.Site> ONE_SITE =
      List.of(ClimateFixtures.site("a", 45.0, 1e6, "residential"));
  private static final ClimateParams.Years SPAN = new ClimateParams.Years(null, 2025, 2100, 5);

  private List<String> errors(ClimateParams params) {
    return kind.validate(params).stream().map(e -> e.field() + ": " + e.message()).toList();
  }

  @Test
  void goodParamsPassAndTheYearSpanCountsBothEnds() {
    ClimateParams p = with(ONE_SITE, List.of("SSP2-4.5"), SPAN, null, 1000, null, null);
    assertThat(kind.validate(p)).isEmpty();
    assertThat(kind.unitCount(p)).isEqualTo(16);
    assertThat(kind.unitCost(p).cpuNanos()).isPositive();
  }

  @Test
  void missingPartsAreNamed() {
    List<FieldError> errors =
        kind.validate(new ClimateParams(null, null, null, null, null, null, null, null));
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactly("sites", "scenarios", "years", "paths");
    assertThat(kind.validate(null)).extracting(FieldError::field).containsExactly("params");
  }

  @Test
  void everySiteFieldIsChecked() {
    List<ClimateParams.Site> sites =
        List.of(
            new ClimateParams.Site("ok", 10.0, 10.0, 1.0, "residential"),
            new ClimateParams.Site("ok", 91.0, -181.0, 0.0, "castle"),
            new ClimateParams.Site("bad id!", Double.NaN, null, -1.0, null));
    assertThat(errors(with(sites, List.of("SSP1-2.6"), SPAN, null, 10, null, null)))
        .containsExactly(
            "sites[1].id: repeats the site ok",
            "sites[1].latitude: must be in [-90.0, 90.0] °, got 91.0",
            "sites[1].longitude: must be in [-180.0, 180.0] °, got -181.0",
            "sites[1].assetValue: must be in (0.0, 1.0E15], got 0.0",
            "sites[1].assetType: unknown: castle; one of [agriculture, commercial, industrial,"
                + " infrastructure, residential] or a type given in tables.vulnerability",
            "sites[2].id: required: [A-Za-z0-9._-]{1,64}",
            "sites[2].latitude: must be in [-90.0, 90.0] °, got NaN",
            "sites[2].longitude: required: a number in [-180.0, 180.0] °",
            "sites[2].assetValue: must be in (0.0, 1.0E15], got -1.0",
            "sites[2].assetType: required; one of [agriculture, commercial, industrial,"
                + " infrastructure, residential]");
  }

  @Test
  void namesAndYearsAreChecked() {
    assertThat(
            errors(
                with(
                    ONE_SITE,
                    List.of("SSP2-4.5", "SSP9", "SSP2-4.5"),
                    new ClimateParams.Years(List.of(2030, 2030), null, null, null),
                    List.of("flood", "hail"),
                    0,
                    List.of(0.1, 0.05),
                    null)))
        .containsExactly(
            "scenarios[1]: unknown: SSP9; one of [SSP1-2.6, SSP2-4.5, SSP3-7.0, SSP5-8.5]",
            "scenarios[2]: repeats SSP2-4.5",
            "years.values[1]: must be after the one before (2030)",
            "hazards[1]: unknown: hail; one of " + Hazards.IDS,
            "paths: must be in 1..5000000, got 0: Monte Carlo paths per unit, 1..5000000",
            "lossThresholds[1]: must be above the one before");
    assertThat(
            errors(
                with(
                    ONE_SITE,
                    List.of("SSP1-2.6"),
                    new ClimateParams.Years(List.of(2030), 2020, null, null),
                    null,
                    10,
                    null,
                    null)))
        .containsExactly("years: give either values or from, to (and step)");
    assertThat(
            errors(
                with(
                    ONE_SITE,
                    List.of("SSP1-2.6"),
                    new ClimateParams.Years(null, 2100, 2020, 0),
                    null,
                    10,
                    null,
                    null)))
        .containsExactly("years.step: must be in 1..200, got 0");
    assertThat(
            errors(
                with(
                    ONE_SITE,
                    List.of("SSP1-2.6"),
                    new ClimateParams.Years(null, 1990, 2020, null),
                    null,
                    10,
                    null,
                    null)))
        .containsExactly("years.from: required: a year in 2000..2200, got 1990");
  }

  @Test
  void sizesAreBounded() {
    List<ClimateParams.Site> many = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      many.add(ClimateFixtures.site("s" + i, 0.0, 1.0, "residential"));
    }
    assertThat(errors(with(many, List.of("SSP1-2.6"), SPAN, null, 10, null, null)))
        .singleElement()
        .asString()
        .startsWith("sites: has 1001 sites: 1..1000 sites");
    ClimateParams.Years all = new ClimateParams.Years(null, 2000, 2200, null);
    assertThat(errors(with(many.subList(0, 1000), Scenarios.IDS, all, null, 1, null, null)))
        .containsExactly("params: sites × scenarios × years = 804000 units; at most 100000");
    assertThat(
            errors(
                with(ONE_SITE, Scenarios.IDS, all, null, 10, Collections.nCopies(21, 0.5), null)))
        .containsExactly("lossThresholds: has 21 values; at most 20");
  }

  @Test
  void theTotalWorkIsBounded() {
    List<ClimateParams.Site> sites = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sites.add(ClimateFixtures.site("s" + i, 0.0, 1.0, "residential"));
    }
    assertThat(errors(with(sites, Scenarios.IDS, SPAN, null, 5_000_000, null, null)))
        .containsExactly(
            "params: units × hazards × paths = 288,000,000,000 hazard-path-years; at most"
                + " 20,000,000,000");
  }

  @Test
  void callerTablesAreCheckedLikeTheShippedOnes() {
    ClimateParams.Tables tables =
        new ClimateParams.Tables(
            List.of(
                new ClimateParams.HazardRow("flood", "temperate", 60.0, 0.0, 1.0, 0.5, 0.0),
                new ClimateParams.HazardRow("flood", "arctic", 1.0, 0.0, 0.0, 4.0, 0.0)),
            List.of(
                new ClimateParams.CurveRow(
                    "warehouse",
                    "flood",
                    "piecewise",
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(0.0, 1.0, 0.5),
                    List.of(0.0, 0.5, 0.6)),
                new ClimateParams.CurveRow(
                    "warehouse", "wildfire", "emanuel", 1.5, null, null, 30.0, 20.0, null, null),
                new ClimateParams.CurveRow(
                    "warehouse", "drought", "spline", null, null, null, null, null, null, null)));
    List<ClimateParams.Site> sites = List.of(ClimateFixtures.site("w", 45.0, 1e6, "warehouse"));
    assertThat(errors(with(sites, List.of("SSP1-2.6"), SPAN, List.of("flood"), 10, null, tables)))
        .containsExactly(
            "tables.hazards[0].frequency: must be in [0.0, 50.0] events per year, got 60.0",
            "tables.hazards[1].band: unknown: arctic; one of " + Bands.IDS,
            "tables.hazards[1].intensityMedian: must be in (0.0, 1000000.0], got 0.0",
            "tables.hazards[1].intensitySigma: must be in [0.0, 3.0], got 4.0",
            "tables.vulnerability[0].intensity[2]: must be above the one before",
            "tables.vulnerability[1].cap: must be in (0.0, 1.0], got 1.5",
            "tables.vulnerability[1].halfDamage: must be above threshold (30.0)",
            "tables.vulnerability[2].family: unknown: spline; one of [piecewise, logistic, emanuel]",
            "sites[0].assetType: unknown: warehouse; one of [agriculture, commercial, industrial,"
                + " infrastructure, residential] or a type given in tables.vulnerability");
  }

  @Test
  void aCallersAssetTypeNeedsACurveForEveryHazard() {
    ClimateParams.Tables tables =
        new ClimateParams.Tables(
            null,
            List.of(
                new ClimateParams.CurveRow(
                    "warehouse", "flood", "logistic", 0.5, 1.0, 2.0, null, null, null, null)));
    List<ClimateParams.Site> sites = List.of(ClimateFixtures.site("w", 45.0, 1e6, "warehouse"));
    assertThat(errors(with(sites, List.of("SSP1-2.6"), SPAN, List.of("flood"), 10, null, tables)))
        .isEmpty();
    assertThat(
            errors(
                with(
                    sites,
                    List.of("SSP1-2.6"),
                    SPAN,
                    List.of("flood", "drought"),
                    10,
                    null,
                    tables)))
        .containsExactly(
            "sites[0].assetType: warehouse has no vulnerability curve for drought; add one in"
                + " tables.vulnerability");
  }
}
