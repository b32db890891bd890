package dev.simrun.kinds.climate;

import static dev.simrun.kinds.climate.ClimateFixtures.oneHazard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Monte Carlo against closed forms of compound Poisson losses. */
class ClimateClosedFormTest {
  private final ClimateRiskKind kind = new ClimateRiskKind();

  private ClimateUnitResult run(ClimateParams params) {
    assertThat(kind.validate(params)).isEmpty();
    return kind.runChunk(params, new UnitRange(0, 1), ChunkContext.NONE).units().getFirst();
  }

  @Test
  void aConstantSeverityGivesTheCompoundPoissonMeanAndTheExactPoissonQuantiles() {
    // λ = 2 events a year, each with intensity 0.3 → damage 0.3 → loss 300 of 1000.
    int paths = 200_000;
    ClimateUnitResult unit = run(oneHazard(2.0, 0.3, 0.0, paths, 7, List.of(0.5, 1.0, 1.5)));
    double expected = 2.0 * 300.0;
    ClimateUnitResult.HazardResult flood = unit.hazards().getFirst();
    // The standard error of the mean of a compound Poisson: sqrt(λ·E[X²]/n).
    double se = Math.sqrt(2.0 * 300.0 * 300.0 / paths);
    assertThat(flood.aal()).isCloseTo(expected, within(4 * se));
    assertThat(flood.aalStdError()).isCloseTo(se, within(0.05 * se));
    assertThat(unit.aal()).isEqualTo(flood.aal());
    assertThat(flood.vulnerability()).isCloseTo(0.3, within(1e-12));
    assertThat((double) flood.events() / paths).isCloseTo(2.0, within(4 * Math.sqrt(2.0 / paths)));
    // P(N ≤ 4) = 0.947, P(N ≤ 5) = 0.983, P(N ≤ 6) = 0.9955: VaR95 = 5 events, VaR99 = 6.
    assertThat(unit.var95()).isCloseTo(5 * 300.0, within(1e-9));
    assertThat(unit.var99()).isCloseTo(6 * 300.0, within(1e-9));
    // ES95: the mean of the top 5% of losses, from the Poisson distribution's tail.
    assertThat(unit.es95()).isCloseTo(300.0 * poissonTailMean(2.0, 0.95), within(0.02 * 300.0));
    assertThat(unit.es99()).isCloseTo(300.0 * poissonTailMean(2.0, 0.99), within(0.05 * 300.0));
    // P(loss > 500) = P(N ≥ 2), P(loss > 1000) = P(N ≥ 4), P(loss > 1500) = P(N ≥ 6).
    double[] above = {1 - poissonCdf(2.0, 1), 1 - poissonCdf(2.0, 3), 1 - poissonCdf(2.0, 5)};
    for (int i = 0; i < above.length; i++) {
      double sd = Math.sqrt(above[i] * (1 - above[i]) / paths);
      assertThat(unit.exceedance().get(i))
          .as("threshold %d", i)
          .isCloseTo(above[i], within(4 * sd));
    }
  }

  @Test
  void aLognormalSeverityGivesLambdaTimesTheMeanDamage() {
    // Intensity lognormal(median 0.1, σ 0.5): damage = min(intensity, 1), so E[damage] is the
    // lognormal's mean but for a tail above 1 that is 3.5σ away.
    double lambda = 0.7;
    double median = 0.1;
    double sigma = 0.5;
    int paths = 300_000;
    ClimateUnitResult unit = run(oneHazard(lambda, median, sigma, paths, 11, null));
    double meanDamage = expectedCappedLognormal(median, sigma);
    double expected = lambda * meanDamage * 1000.0;
    double se = unit.hazards().getFirst().aalStdError();
    assertThat(unit.aal()).isCloseTo(expected, within(4 * se));
    assertThat(unit.hazards().getFirst().vulnerability())
        .isCloseTo(meanDamage, within(0.01 * meanDamage));
  }

  @Test
  void noFrequencyMeansNoLossAndNoExposure() {
    ClimateUnitResult unit = run(oneHazard(0.0, 1.0, 0.5, 1000, 1, null));
    assertThat(unit.aal()).isZero();
    assertThat(unit.var99()).isZero();
    assertThat(unit.es99()).isZero();
    assertThat(unit.hazards().getFirst().exposure()).isZero();
    assertThat(unit.hazards().getFirst().vulnerability()).isNull();
    assertThat(unit.exceedance()).containsOnly(0.0);
  }

  @Test
  void theInverseNormalMatchesKnownQuantiles() {
    assertThat(InverseNormal.of(0.5)).isCloseTo(0.0, within(1e-12));
    assertThat(InverseNormal.of(0.975)).isCloseTo(1.959963984540054, within(1e-8));
    assertThat(InverseNormal.of(0.025)).isCloseTo(-1.959963984540054, within(1e-8));
    assertThat(InverseNormal.of(0.8413447460685429)).isCloseTo(1.0, within(1e-8));
    assertThat(InverseNormal.of(0.001)).isCloseTo(-3.090232306167813, within(1e-8));
    assertThat(InverseNormal.of(1e-12)).isCloseTo(-7.034483825301132, within(1e-7));
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 1; i < 100_000; i++) {
      double z = InverseNormal.of(i / 100_000.0);
      assertThat(z).isGreaterThan(previous);
      previous = z;
    }
  }

  @Test
  void expAgreesWithStrictMathToAFewUlps() {
    for (double x = -800; x <= 800; x += 0.000731) {
      double expected = StrictMath.exp(x);
      double got = Exp.of(x);
      if (Double.isInfinite(expected) || expected == 0) {
        assertThat(got).as("exp(%s)", x).isEqualTo(expected);
      } else {
        assertThat(Math.abs(got - expected))
            .as("exp(%s)", x)
            .isLessThanOrEqualTo(4 * Math.ulp(expected));
      }
    }
    assertThat(Exp.of(0)).isEqualTo(1.0);
    assertThat(Exp.of(Double.NaN)).isNaN();
    assertThat(Exp.of(Double.NEGATIVE_INFINITY)).isZero();
  }

  @Test
  void theTailIsTheEmpiricalQuantileAndTheMeanBeyondIt() {
    double[] losses = new double[100];
    for (int i = 0; i < 100; i++) {
      losses[i] = (i * 37) % 100; // 0..99, shuffled
    }
    Tail[] tails = new Tails().of(losses, 0.95, 0.99);
    Tail t = tails[0];
    assertThat(t.valueAtRisk()).isEqualTo(94.0);
    assertThat(t.expectedShortfall()).isEqualTo((94 + 95 + 96 + 97 + 98 + 99) / 6.0);
    Tail t99 = tails[1];
    assertThat(t99.valueAtRisk()).isEqualTo(98.0);
    assertThat(t99.expectedShortfall()).isEqualTo(98.5);
  }

  static double poissonCdf(double lambda, int k) {
    double pmf = Math.exp(-lambda);
    double cdf = pmf;
    for (int i = 1; i <= k; i++) {
      pmf *= lambda / i;
      cdf += pmf;
    }
    return cdf;
  }

  /** The mean of N over its top (1 - q) share of probability, the quantile's atom split. */
  static double poissonTailMean(double lambda, double q) {
    int var = 0;
    while (poissonCdf(lambda, var) < q) {
      var++;
    }
    double share = poissonCdf(lambda, var) - q; // the part of the atom at var above q
    double sum = share * var;
    double pmf = Math.exp(-lambda);
    for (int i = 1; i <= var; i++) {
      pmf *= lambda / i;
    }
    for (int k = var + 1; k < 100; k++) {
      pmf *= lambda / k;
      sum += pmf * k;
    }
    return sum / (1 - q);
  }

  /** E[min(X, 1)] for X lognormal with the given median and σ, by the midpoint rule in z. */
  static double expectedCappedLognormal(double median, double sigma) {
    double sum = 0;
    double dz = 1e-4;
    for (double z = -10; z < 10; z += dz) {
      double mid = z + dz / 2;
      double density = Math.exp(-mid * mid / 2) / Math.sqrt(2 * Math.PI);
      sum += Math.min(1.0, median * Math.exp(sigma * mid)) * density * dz;
    }
    return sum;
  }
}
