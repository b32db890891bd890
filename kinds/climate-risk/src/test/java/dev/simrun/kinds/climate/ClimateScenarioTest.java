package dev.simrun.kinds.climate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.simrun.kinds.InMemoryRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scenarios and the shipped table: more warming, not less hazard where the table says so. */
class ClimateScenarioTest {
  private final ClimateRiskKind kind = new ClimateRiskKind();

  @Test
  void warmingNeverFallsWithAHigherScenarioOrALaterYearUntil2100() {
    for (int year = 2000; year <= 2200; year++) {
      for (int s = 1; s < Scenarios.IDS.size(); s++) {
        assertThat(Scenarios.warming(s, year))
            .as("%s in %d", Scenarios.IDS.get(s), year)
            .isGreaterThanOrEqualTo(Scenarios.warming(s - 1, year));
      }
      for (int s = 0; s < Scenarios.IDS.size(); s++) {
        assertThat(Scenarios.warming(s, year + 1))
            .isGreaterThanOrEqualTo(Scenarios.warming(s, year));
      }
    }
    assertThat(Scenarios.warming(3, 2090)).isEqualTo(4.4);
    assertThat(Scenarios.warming(1, 2040)).isEqualTo(1.75);
  }

  /**
   * Where the table's changes per degree are not negative, a higher scenario's frequency and median
   * are at least the lower one's, and its AAL is not lower beyond sampling error; cold waves, whose
   * table falls with warming, go the other way.
   */
  @Test
  void higherScenariosGiveNoLessHazardWhereTheTableSaysSo() {
    ClimateParams params =
        ClimateFixtures.params(
            List.of(
                ClimateFixtures.site("a", 10.0, 1e6, "residential"),
                ClimateFixtures.site("b", 45.0, 1e6, "residential"),
                ClimateFixtures.site("c", 60.0, 1e6, "agriculture")),
            Scenarios.IDS,
            List.of(2050, 2090),
            null,
            20_000,
            5);
    ClimateResult result = InMemoryRun.run(kind, params, 24);
    ClimatePlan plan = ClimatePlan.of(params);
    for (int site = 0; site < 3; site++) {
      for (int y = 0; y < 2; y++) {
        for (int s = 1; s < 4; s++) {
          ClimateUnitResult lower = result.unitResults().get((site * 4 + s - 1) * 2 + y);
          ClimateUnitResult higher = result.unitResults().get((site * 4 + s) * 2 + y);
          for (int h = 0; h < plan.hazards.length; h++) {
            ClimateUnitResult.HazardResult lo = lower.hazards().get(h);
            ClimateUnitResult.HazardResult hi = higher.hazards().get(h);
            double se = Math.hypot(lo.aalStdError(), hi.aalStdError());
            String what =
                plan.hazards[h]
                    + " at "
                    + plan.sites[site]
                    + " "
                    + higher.scenario()
                    + " "
                    + higher.year();
            if (plan.hazards[h].equals("cold-wave")) {
              assertThat(hi.frequency()).as(what).isLessThanOrEqualTo(lo.frequency());
              assertThat(hi.aal()).as(what).isLessThanOrEqualTo(lo.aal() + 5 * se);
            } else {
              assertThat(hi.frequency()).as(what).isGreaterThanOrEqualTo(lo.frequency());
              assertThat(hi.intensityMedian())
                  .as(what)
                  .isGreaterThanOrEqualTo(lo.intensityMedian());
              assertThat(hi.aal()).as(what).isGreaterThanOrEqualTo(lo.aal() - 5 * se);
            }
          }
        }
      }
    }
    // A tropical site has cyclones; a subpolar one none.
    ClimateUnitResult tropical = result.unitResults().getFirst();
    ClimateUnitResult subpolar = result.unitResults().get(16);
    int cyclone = Hazards.IDS.indexOf("tropical-cyclone");
    assertThat(tropical.hazards().get(cyclone).aal()).isPositive();
    assertThat(subpolar.hazards().get(cyclone).exposure()).isZero();
    assertThat(subpolar.hazards().get(cyclone).aal()).isZero();
  }

  @Test
  void theShippedTablesCoverEveryHazardBandAndAssetType() {
    ShippedTables tables = ShippedTables.get();
    assertThat(tables.hazards()).hasSize(Hazards.IDS.size() * Bands.IDS.size());
    assertThat(tables.vulnerability()).hasSize(Hazards.IDS.size() * 5);
    for (ClimateParams.CurveRow row : tables.vulnerability()) {
      Curve curve = Curve.of(row);
      double previous = 0;
      assertThat(curve.damage(0)).isZero();
      for (double x = 0; x < 200; x += 0.01) {
        double d = curve.damage(x);
        assertThat(d).as("%s/%s at %f", row.assetType(), row.hazard(), x).isBetween(previous, 1.0);
        previous = d;
      }
    }
  }

  @Test
  void theCurveFamiliesFollowTheirFormulas() {
    Curve emanuel = Curve.emanuel(1.0, 25.7, 74.7);
    assertThat(emanuel.damage(25.7)).isZero();
    assertThat(emanuel.damage(74.7)).isCloseTo(0.5, within(1e-15));
    Curve logistic = Curve.logistic(0.4, 2.0, 3.0);
    assertThat(logistic.damage(2.0)).isEqualTo(0.2);
    assertThat(logistic.damage(-1.0)).isZero();
    Curve piecewise = Curve.piecewise(new double[] {0, 1, 3}, new double[] {0, 0.5, 1});
    assertThat(piecewise.damage(0.5)).isEqualTo(0.25);
    assertThat(piecewise.damage(2.0)).isEqualTo(0.75);
    assertThat(piecewise.damage(9.0)).isEqualTo(1.0);
  }
}
