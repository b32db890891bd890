package dev.simrun.kinds.climate;

/**
 * Value at risk and expected shortfall of an empirical distribution: with the n losses sorted
 * ascending and k = ⌈q·n⌉, VaR is the k-th (1-based) and ES the mean of the k-th to the n-th. Found
 * by selection (Hoare's partition, median-of-three pivots), in linear time on average.
 */
record Tail(double valueAtRisk, double expectedShortfall) {

  /** The tail at level {@code q} of {@code losses}, which it reorders. */
  static Tail of(double[] losses, double q) {
    int n = losses.length;
    int k = Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1));
    select(losses, k);
    double sum = 0;
    for (int i = k; i < n; i++) {
      sum += losses[i];
    }
    return new Tail(losses[k], sum / (n - k));
  }

  /** Reorders {@code a} so that a[k] is the k-th smallest, smaller before it, larger after. */
  static void select(double[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      double pivot = median(a[lo], a[mid], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double tmp = a[i];
          a[i] = a[j];
          a[j] = tmp;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static double median(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
