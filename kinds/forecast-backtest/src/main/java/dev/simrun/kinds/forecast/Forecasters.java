package dev.simrun.kinds.forecast;

/**
 * The built-in forecasters: pure functions from a history window ({@code h[0]} oldest, {@code
 * h[n-1]} the forecast day's value) to a prediction of the next value. Each depends on the window
 * only, so a day's prediction is the same in any chunk.
 */
public final class Forecasters {

  /**
   * A pivot this much smaller than its column's largest entry (before elimination) makes the AR
   * normal equations singular for our purpose.
   */
  static final double SINGULAR = 1e-10;

  private Forecasters() {}

  /** The last value. */
  public static double naive(double[] h) {
    return h[h.length - 1];
  }

  /** The value one season before the predicted day: {@code h[n - period]}. */
  public static double seasonalNaive(double[] h, int period) {
    return h[h.length - period];
  }

  /** The mean of the last {@code window} values, summed oldest first. */
  public static double movingAverage(double[] h, int window) {
    double sum = 0.0;
    for (int i = h.length - window; i < h.length; i++) {
      sum += h[i];
    }
    return sum / window;
  }

  /**
   * Holt's linear exponential smoothing over the window, one step ahead: level {@code l = h[0]},
   * trend {@code b = h[1] - h[0]}; then for {@code t = 1..n-1}: {@code l' = α h[t] + (1 - α)(l +
   * b)}, {@code b = β (l' - l) + (1 - β) b}, {@code l = l'}; the prediction is {@code l + b}. Needs
   * {@code n >= 2}.
   */
  public static double holt(double[] h, double alpha, double beta) {
    double level = h[0];
    double trend = h[1] - h[0];
    for (int t = 1; t < h.length; t++) {
      double next = alpha * h[t] + (1.0 - alpha) * (level + trend);
      trend = beta * (next - level) + (1.0 - beta) * trend;
      level = next;
    }
    return level + trend;
  }

  /**
   * An autoregression of order {@code p} with intercept, fitted by least squares on the window and
   * applied one step ahead.
   *
   * <p>The values are centred on the window's mean {@code m} first (it conditions the fit, and
   * changes nothing else in exact arithmetic): with {@code y = h - m}, rows {@code t = p..n-1} fit
   * {@code y[t] ≈ c + Σ_{i=1..p} φ_i y[t-i]} by solving the normal equations {@code XᵀX β = Xᵀy}
   * (Gaussian elimination with partial pivoting), and the prediction is {@code m + c + Σ φ_i
   * y[n-i]}. When the system is singular (a pivot below {@value #SINGULAR} times its column's
   * largest entry, e.g. a constant window) the prediction is the last value, as {@link #naive}.
   * Needs {@code n - p >= p + 1}.
   */
  public static double ar(double[] h, int p) {
    int n = h.length;
    double mean = 0.0;
    for (double v : h) {
      mean += v;
    }
    mean /= n;
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      y[t] = h[t] - mean;
    }
    int k = p + 1; // intercept, then lags 1..p
    double[][] a = new double[k][k + 1]; // [XᵀX | Xᵀy]
    double[] row = new double[k];
    for (int t = p; t < n; t++) {
      row[0] = 1.0;
      for (int i = 1; i <= p; i++) {
        row[i] = y[t - i];
      }
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) {
          a[r][c] += row[r] * row[c];
        }
        a[r][k] += row[r] * y[t];
      }
    }
    double[] beta = solve(a);
    if (beta == null) {
      return naive(h);
    }
    double prediction = beta[0];
    for (int i = 1; i <= p; i++) {
      prediction += beta[i] * y[n - i];
    }
    return mean + prediction;
  }

  /**
   * Solves the augmented system {@code a} ({@code k} rows of {@code k + 1}) in place; null when
   * singular.
   */
  static double[] solve(double[][] a) {
    int k = a.length;
    double[] scale = new double[k];
    for (int c = 0; c < k; c++) {
      for (double[] r : a) {
        scale[c] = Math.max(scale[c], Math.abs(r[c]));
      }
    }
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (!(Math.abs(a[pivot][col]) > SINGULAR * scale[col])) {
        return null;
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int r = col + 1; r < k; r++) {
        double f = a[r][col] / a[col][col];
        if (f != 0.0) {
          for (int c = col; c <= k; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[] x = new double[k];
    for (int r = k - 1; r >= 0; r--) {
      double s = a[r][k];
      for (int c = r + 1; c < k; c++) {
        s -= a[r][c] * x[c];
      }
      x[r] = s / a[r][r];
    }
    for (double v : x) {
      if (!Double.isFinite(v)) {
        return null;
      }
    }
    return x;
  }
}
