package dev.simrun.kinds.climate;

/**
 * {@code e^x} in plain arithmetic, so the same bits on every JDK and CPU and a few times faster
 * than {@link StrictMath#exp} (the model takes one or two per event): x = (64k + j)·ln2/64 + r with
 * |r| ≤ ln2/128, e^x = 2^k · 2^(j/64) · e^r, e^r by its Taylor polynomial of degree 5 (relative
 * error below 1e-16 there), 2^(j/64) from a table made once with {@link StrictMath#pow}. Relative
 * error within a few ulps; outside |x| ≤ 700, {@link StrictMath#exp}.
 */
final class Exp {
  private static final double[] TABLE = new double[64];
  private static final double SCALE = 64 / Math.log(2);
  // ln2/64 in two parts (fdlibm's ln2_hi and ln2_lo over 64): k·HI is exact for |k| < 2^21.
  private static final double HI = 6.93147180369123816490e-01 / 64;
  private static final double LO = 1.90821492927058770002e-10 / 64;

  static {
    for (int j = 0; j < 64; j++) {
      TABLE[j] = StrictMath.pow(2, j / 64.0);
    }
  }

  private Exp() {}

  static double of(double x) {
    if (!(x >= -700 && x <= 700)) {
      return StrictMath.exp(x);
    }
    double kd = Math.rint(x * SCALE);
    long k = (long) kd;
    double r = (x - kd * HI) - kd * LO;
    double p = r + r * r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120))));
    double t = TABLE[(int) (k & 63)];
    return (t + t * p) * Double.longBitsToDouble(((k >> 6) + 1023) << 52);
  }
}
