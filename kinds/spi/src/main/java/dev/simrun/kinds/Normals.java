package dev.simrun.kinds;

import java.util.SplittableRandom;

/**
 * Standard normal draws that are the same on every JDK: Box–Muller over {@link SplittableRandom}'s
 * uniforms, each pair of uniforms giving {@code r cos θ} and then {@code r sin θ}. Not {@code
 * nextGaussian}, whose algorithm differs between JDKs; {@link StrictMath} for the transcendental
 * functions, specified to the bit, and {@code sqrt}, which is correctly rounded everywhere.
 */
public final class Normals {
  private static final double TWO_PI = 2.0 * Math.PI;

  private final SplittableRandom random;
  private double spare;
  private boolean haveSpare;

  public Normals(SplittableRandom random) {
    this.random = random;
  }

  /**
   * The next draw: the sine half of the previous pair if it is unused, else a new pair's cosine.
   */
  public double next() {
    if (haveSpare) {
      haveSpare = false;
      return spare;
    }
    double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
    double u2 = random.nextDouble();
    double r = Math.sqrt(-2.0 * StrictMath.log(u1));
    double theta = TWO_PI * u2;
    spare = r * StrictMath.sin(theta);
    haveSpare = true;
    return r * StrictMath.cos(theta);
  }
}
