package dev.simrun.kinds.climate;

/**
 * The standard normal quantile function by Acklam's rational approximation (absolute error below
 * 5e-9 over (0, 1)): by inversion, so a larger uniform always gives a larger intensity, and the
 * central 95% of draws cost a few multiplications. {@link StrictMath} in the tails, so the same
 * draws on every JDK.
 */
final class InverseNormal {
  private static final double A1 = -3.969683028665376e+01;
  private static final double A2 = 2.209460984245205e+02;
  private static final double A3 = -2.759285104469687e+02;
  private static final double A4 = 1.383577518672690e+02;
  private static final double A5 = -3.066479806614716e+01;
  private static final double A6 = 2.506628277459239e+00;
  private static final double B1 = -5.447609879822406e+01;
  private static final double B2 = 1.615858368580409e+02;
  private static final double B3 = -1.556989798598866e+02;
  private static final double B4 = 6.680131188771972e+01;
  private static final double B5 = -1.328068155288572e+01;
  private static final double C1 = -7.784894002430293e-03;
  private static final double C2 = -3.223964580411365e-01;
  private static final double C3 = -2.400758277161838e+00;
  private static final double C4 = -2.549732539343734e+00;
  private static final double C5 = 4.374664141464968e+00;
  private static final double C6 = 2.938163982698783e+00;
  private static final double D1 = 7.784695709041462e-03;
  private static final double D2 = 3.224671290700398e-01;
  private static final double D3 = 2.445134137142996e+00;
  private static final double D4 = 3.754408661907416e+00;
  private static final double LOW = 0.02425;
  private static final double HIGH = 1 - LOW;

  private InverseNormal() {}

  /** The central formula: the quantile for p where {@link #inCentral} holds. */
  static double central(double p) {
    double q = p - 0.5;
    double r = q * q;
    return (((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6)
        * q
        / (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }

  /** Whether {@link #central} is the quantile of p: p in [0.02425, 0.97575]. */
  static boolean inCentral(double p) {
    return p >= LOW && p <= HIGH;
  }

  /** The z with Φ(z) = p, for p in (0, 1). */
  static double of(double p) {
    if (p < LOW) {
      return tail(p);
    }
    if (p > HIGH) {
      return -tail(1 - p);
    }
    return central(p);
  }

  private static double tail(double p) {
    double q = Math.sqrt(-2 * StrictMath.log(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6)
        / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
}
