package dev.simrun.kinds.climate;

import java.util.Arrays;

/**
 * The tail statistics of a unit's total losses at 95% and 99% ({@link Tail}'s definitions), without
 * sorting or reordering all of them: a threshold t from a sorted sample of every 16th loss, below
 * the 95% quantile with a margin; one pass keeps the losses above t and counts those equal to it;
 * only those are sorted. When the sample misjudged (fewer losses from t up than the tail needs) it
 * sorts a copy of all of them instead. The sums run over the sorted losses in ascending order, so
 * the same losses always give the same bits.
 */
final class Tails {
  private static final int STRIDE = 16;
  private double[] sample = new double[0];
  private double[] above = new double[0];

  /** VaR and ES of {@code losses} at each of {@code levels}. */
  Tail[] of(double[] losses, double... levels) {
    int n = losses.length;
    int most = 0; // the most losses a level's tail holds
    for (double q : levels) {
      most = Math.max(most, n - index(q, n));
    }
    int s = (n + STRIDE - 1) / STRIDE;
    if (sample.length < s) {
      sample = new double[s];
    }
    for (int i = 0; i < s; i++) {
      sample[i] = losses[i * STRIDE];
    }
    Arrays.sort(sample, 0, s);
    int wanted = 2 * ((most + STRIDE - 1) / STRIDE) + 8;
    double t = s > wanted ? sample[s - wanted] : Double.NEGATIVE_INFINITY;
    Tail[] tails = t == Double.NEGATIVE_INFINITY ? null : fromThreshold(losses, t, levels);
    if (tails == null) {
      double[] all = Arrays.copyOf(losses, n);
      Arrays.sort(all);
      tails = new Tail[levels.length];
      for (int l = 0; l < levels.length; l++) {
        int k = index(levels[l], n);
        double sum = 0;
        for (int i = k; i < n; i++) {
          sum += all[i];
        }
        tails[l] = new Tail(all[k], sum / (n - k));
      }
    }
    return tails;
  }

  private Tail[] fromThreshold(double[] losses, double t, double[] levels) {
    int n = losses.length;
    if (above.length < n) {
      above = new double[n];
    }
    int count = 0;
    int ties = 0;
    for (double v : losses) {
      if (v > t) {
        above[count++] = v;
      } else if (v == t) {
        ties++;
      }
    }
    Arrays.sort(above, 0, count);
    Tail[] tails = new Tail[levels.length];
    for (int l = 0; l < levels.length; l++) {
      int m = n - index(levels[l], n);
      if (count >= m) {
        double sum = 0;
        for (int i = count - m; i < count; i++) {
          sum += above[i];
        }
        tails[l] = new Tail(above[count - m], sum / m);
      } else if (count + ties >= m) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
          sum += above[i];
        }
        tails[l] = new Tail(t, (sum + t * (m - count)) / m);
      } else {
        return null;
      }
    }
    return tails;
  }

  /** The 0-based index of the q-quantile among n sorted losses: ⌈q·n⌉ − 1, within [0, n). */
  static int index(double q, int n) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1));
  }
}
