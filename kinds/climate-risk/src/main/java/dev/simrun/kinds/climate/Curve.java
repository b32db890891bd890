package dev.simrun.kinds.climate;

import java.util.List;

/**
 * A vulnerability curve ready to evaluate: the damage ratio of one event by its intensity, never
 * decreasing in the intensity, 0 at an intensity of 0 or less, at most 1.
 *
 * <ul>
 *   <li>{@code piecewise}: linear between points {@code (x[i], y[i])}, {@code y[0]} below the first
 *       point (0 from an intensity of 0 or less), {@code y[n-1]} beyond the last;
 *   <li>{@code logistic}: {@code cap / (1 + exp(-steepness · (x - midpoint)))};
 *   <li>{@code emanuel}: {@code cap · v³ / (1 + v³)}, {@code v = max(0, x - threshold) /
 *       (halfDamage - threshold)} (Emanuel 2011's wind-damage function).
 * </ul>
 */
final class Curve {
  static final String PIECEWISE = "piecewise";
  static final String LOGISTIC = "logistic";
  static final String EMANUEL = "emanuel";
  static final List<String> FAMILIES = List.of(PIECEWISE, LOGISTIC, EMANUEL);

  private static final int P = 0;
  private static final int L = 1;
  private static final int E = 2;

  private final int family;
  private final double[] x;
  private final double[] y;
  private final double cap;
  private final double a;
  private final double b;

  private Curve(int family, double[] x, double[] y, double cap, double a, double b) {
    this.family = family;
    this.x = x;
    this.y = y;
    this.cap = cap;
    this.a = a;
    this.b = b;
  }

  static Curve piecewise(double[] x, double[] y) {
    return new Curve(P, x.clone(), y.clone(), 0, 0, 0);
  }

  static Curve logistic(double cap, double midpoint, double steepness) {
    return new Curve(L, null, null, cap, midpoint, steepness);
  }

  static Curve emanuel(double cap, double threshold, double halfDamage) {
    return new Curve(E, null, null, cap, threshold, 1.0 / (halfDamage - threshold));
  }

  /** The curve a valid row describes. */
  static Curve of(ClimateParams.CurveRow row) {
    return switch (row.family()) {
      case PIECEWISE -> piecewise(toArray(row.intensity()), toArray(row.damage()));
      case LOGISTIC -> logistic(row.cap(), row.midpoint(), row.steepness());
      case EMANUEL -> emanuel(row.cap(), row.threshold(), row.halfDamage());
      default -> throw new IllegalArgumentException("no curve family " + row.family());
    };
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** Replaces each of {@code x[0..n)} by its damage ratio: {@link #damage} over an array. */
  void damage(double[] x, int n) {
    switch (family) {
      case L -> {
        for (int i = 0; i < n; i++) {
          double v = x[i];
          x[i] = v > 0 ? cap / (1.0 + Exp.of(-b * (v - a))) : 0;
        }
      }
      case E -> {
        for (int i = 0; i < n; i++) {
          double v = (x[i] - a) * b;
          double v3 = v * v * v;
          x[i] = v > 0 ? cap * v3 / (1.0 + v3) : 0;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          x[i] = damage(x[i]);
        }
      }
    }
  }

  double damage(double intensity) {
    if (!(intensity > 0)) {
      return 0;
    }
    switch (family) {
      case P -> {
        int n = x.length;
        if (intensity <= x[0]) {
          return y[0];
        }
        if (intensity >= x[n - 1]) {
          return y[n - 1];
        }
        int i = 1;
        while (intensity > x[i]) {
          i++;
        }
        double f = (intensity - x[i - 1]) / (x[i] - x[i - 1]);
        return y[i - 1] + f * (y[i] - y[i - 1]);
      }
      case L -> {
        return cap / (1.0 + Exp.of(-b * (intensity - a)));
      }
      default -> {
        double v = (intensity - a) * b;
        if (v <= 0) {
          return 0;
        }
        double v3 = v * v * v;
        return cap * v3 / (1.0 + v3);
      }
    }
  }
}
