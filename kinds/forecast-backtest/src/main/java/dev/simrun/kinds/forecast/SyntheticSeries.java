package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Normals;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic daily series: {@code x[t] = level + trend * t + amplitude * sin(2π t /
 * period) + noise * z[t]} for {@code t = 0..days-1}.
 *
 * <p>The series is a function of its parameters only, bit for bit on every JVM:
 *
 * <ul>
 *   <li>{@code z[t]} are standard normals from a {@link SplittableRandom} seeded with {@code seed ^
 *       STREAM}, a fixed constant (so the same seed as a price series gives unrelated noise),
 *       through our own Box–Muller transform of its {@code nextDouble()}s ({@code u1 = 1 -
 *       nextDouble()} in (0, 1], {@code u2 = nextDouble()}; {@code r cos θ} then {@code r sin θ}),
 *       never {@code nextGaussian}, whose algorithm differs between JDKs;
 *   <li>{@code sin}, {@code cos} and {@code log} are {@link StrictMath}'s, specified to the bit;
 *       {@code sqrt} is correctly rounded everywhere.
 * </ul>
 *
 * One pair of uniforms is drawn per two days whether {@code noise} is 0 or not, so changing the
 * noise scales the same draws.
 */
public final class SyntheticSeries implements SeriesSource {

  /** The value at day 0 when no level is given. */
  public static final double DEFAULT_LEVEL = 100.0;

  /** Mixed into the seed: this generator's own stream. */
  static final long STREAM = 0x466f7265636173L; // "Forecas"

  private static final double TWO_PI = 2.0 * Math.PI;

  @Override
  public boolean handles(ForecastParams.Series series) {
    return series.synthetic() != null;
  }

  @Override
  public double[] values(ForecastParams.Series series) {
    ForecastParams.Synthetic s = series.synthetic();
    ForecastParams.Seasonality season = s.seasonality();
    return generate(
        s.days(),
        s.seed(),
        s.level() == null ? DEFAULT_LEVEL : s.level(),
        orZero(s.trend()),
        season == null ? 0 : season.period(),
        season == null ? 0.0 : orZero(season.amplitude()),
        orZero(s.noise()));
  }

  private static double orZero(Double value) {
    return value == null ? 0.0 : value;
  }

  /**
   * Generates a series; a new array.
   *
   * @param period the season length, or 0 for none
   */
  public static double[] generate(
      int days, long seed, double level, double trend, int period, double amplitude, double noise) {
    if (days < 1) {
      throw new IllegalArgumentException("days must be >= 1, got " + days);
    }
    SplittableRandom random = new SplittableRandom(seed ^ STREAM);
    double[] values = new double[days];
    Normals normals = new Normals(random);
    for (int t = 0; t < days; t++) {
      double z = normals.next();
      double season = period > 0 ? amplitude * StrictMath.sin(TWO_PI * t / period) : 0.0;
      values[t] = level + trend * t + season + noise * z;
    }
    return values;
  }
}
