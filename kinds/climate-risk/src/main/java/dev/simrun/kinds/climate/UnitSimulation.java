package dev.simrun.kinds.climate;

import java.util.ArrayList;
import java.util.List;

/**
 * Simulates one unit: for each hazard and path, a year's event count by inverting the Poisson
 * distribution at the path's first uniform, then each event's intensity by inverting the lognormal
 * at the next uniforms, its damage ratio from the asset type's curve; the year's loss is the damage
 * ratios' sum times the asset value. The path's key is its count's uniform, draw {@code k} its k-th
 * event's intensity (see {@link Streams}), so a higher frequency or a higher median never lowers
 * any path's loss. The count's search starts from a guide table, so it takes a step or two whatever
 * the frequency.
 *
 * <p>Per hazard and block of {@value #BLOCK} paths, the paths' counts come first, then all their
 * events in one flat loop (intensity, then the curve over the whole array), then each path's sum of
 * its events in order: primitive arrays reused from unit to unit, no branch on a random count in
 * the event loop. The paths' total losses live in one {@code double[]}; the tail statistics come
 * from it ({@link Tails}), sorting only the largest.
 */
final class UnitSimulation {
  /** Paths whose events are drawn in one flat loop: bounds the event buffers' memory. */
  static final int BLOCK = 4096;

  private final ClimatePlan plan;
  private final double[] totals;
  private final Tails tails = new Tails();
  private final double[] cdf = new double[256];

  /**
   * Per {@code 1/GUIDE} of the uniform's range, the count its search starts from (Chen and Asau).
   */
  private final int[] guide = new int[GUIDE];

  private static final int GUIDE = 64;
  private final int[] counts = new int[BLOCK];
  private long events;
  private double ratios;
  private double sum;
  private double sumSq;
  private long[] eventKeys = new long[1024];
  private int[] owners = new int[1024];
  private int[] tailIndex = new int[1024];
  private double[] damages = new double[1024];
  private final double[] pathRatios = new double[BLOCK];

  /** Events a year from which a hazard's blocks take {@link #frequentBlock}. */
  static final double FREQUENT = 0.5;

  /** Event keys every path of a frequent hazard writes. */
  private static final int SLOTS = 8;

  UnitSimulation(ClimatePlan plan) {
    this.plan = plan;
    this.totals = new double[plan.paths];
  }

  ClimateUnitResult run(long unit) {
    int site = plan.site(unit);
    int s = plan.scenario(unit);
    int y = plan.year(unit);
    String siteId = plan.sites[site];
    String scenario = plan.scenarios[s];
    int year = plan.years[y];
    double value = plan.values[site];
    int paths = plan.paths;
    java.util.Arrays.fill(totals, 0.0);
    List<ClimateUnitResult.HazardResult> hazards = new ArrayList<>(plan.hazards.length);
    double aal = 0;
    for (int h = 0; h < plan.hazards.length; h++) {
      double[] params = plan.hazard(h, site, s, y);
      double frequency = params[0];
      double median = params[1];
      double sigma = params[2];
      long key = Streams.hazardKey(plan.seed, siteId, scenario, year, plan.hazards[h]);
      poissonCdf(frequency);
      Curve curve = plan.curve(site, h);
      events = 0;
      ratios = 0;
      sum = 0;
      sumSq = 0;
      if (frequency > 0) {
        for (int from = 0; from < paths; from += BLOCK) {
          int to = Math.min(paths, from + BLOCK);
          if (frequency < FREQUENT) {
            block(key, from, to, median, sigma, curve, value);
          } else {
            frequentBlock(key, from, to, median, sigma, curve, value);
          }
        }
      }
      double mean = sum / paths;
      aal += mean;
      hazards.add(
          new ClimateUnitResult.HazardResult(
              plan.hazards[h],
              frequency > 0 ? value : 0.0,
              frequency,
              median,
              events,
              events > 0 ? ratios / events : null,
              mean,
              stdError(sum, sumSq, paths)));
    }
    sum = 0;
    sumSq = 0;
    for (int p = 0; p < paths; p++) {
      sum += totals[p];
      sumSq += totals[p] * totals[p];
    }
    List<Double> exceedance = new ArrayList<>(plan.thresholds.length);
    for (double threshold : plan.thresholds) {
      double limit = threshold * value;
      int above = 0;
      for (int p = 0; p < paths; p++) {
        above += totals[p] > limit ? 1 : 0;
      }
      exceedance.add((double) above / paths);
    }
    Tail[] tail = tails.of(totals, 0.95, 0.99);
    Tail t95 = tail[0];
    Tail t99 = tail[1];
    return new ClimateUnitResult(
        unit,
        siteId,
        scenario,
        year,
        value,
        aal,
        stdError(sum, sumSq, paths),
        t95.valueAtRisk(),
        t99.valueAtRisk(),
        t95.expectedShortfall(),
        t99.expectedShortfall(),
        exceedance,
        hazards);
  }

  /**
   * Paths {@code [from, to)} of one hazard: their counts first, then every event of the block in
   * one flat loop, then each path's sum of its events in order (the same sums, in the same order,
   * as a path-by-path loop), added to the hazard's running sums.
   */
  private void block(
      long key, int from, int to, double median, double sigma, Curve curve, double value) {
    int m = 0;
    double[] c = cdf;
    int[] g = guide;
    int[] n = counts;
    for (int p = from; p < to; p++) {
      long pathKey = Streams.pathKey(key, p);
      double u = Streams.uniformOf(pathKey);
      int k = g[(int) (u * GUIDE)];
      while (u >= c[k]) {
        k++;
      }
      n[p - from] = k;
      if (k > 0) {
        if (m + k > eventKeys.length) {
          grow(m + k);
        }
        for (int e = 1; e <= k; e++) {
          eventKeys[m++] = pathKey + (1L + e) * Streams.GAMMA;
        }
      }
    }
    double[] x = damages(m, median, sigma, curve);
    double[] t = totals;
    int i = 0;
    for (int p = from; p < to; p++) {
      int k = n[p - from];
      if (k == 0) {
        continue;
      }
      double ratio = 0;
      for (int e = 0; e < k; e++) {
        ratio += x[i++];
      }
      ratios += ratio;
      double loss = ratio * value;
      t[p] += loss;
      sum += loss;
      sumSq += loss * loss;
    }
    events += m;
  }

  /**
   * {@link #block} for a hazard with {@value #FREQUENT} events a year or more, where most paths
   * have events and their number varies: every path writes {@value #SLOTS} event keys whether it
   * has that many events or not (the next path's overwrite the unused ones), each event is added to
   * its path's sum through the path's index, and every path's sum is taken, zero or not. No branch
   * on a random count unless a path has more than {@value #SLOTS} events, and the same sums, in the
   * same order, as {@link #block}: adding 0.0 changes no sum.
   */
  private void frequentBlock(
      long key, int from, int to, double median, double sigma, Curve curve, double value) {
    int m = 0;
    double[] c = cdf;
    int[] g = guide;
    for (int p = from; p < to; p++) {
      long pathKey = Streams.pathKey(key, p);
      double u = Streams.uniformOf(pathKey);
      int k = g[(int) (u * GUIDE)];
      while (u >= c[k]) {
        k++;
      }
      if (m + SLOTS + k > eventKeys.length) {
        grow(m + SLOTS + k);
      }
      long[] keys = eventKeys;
      int[] owner = owners;
      int path = p - from;
      for (int e = 0; e < SLOTS; e++) {
        keys[m + e] = pathKey + (2L + e) * Streams.GAMMA;
        owner[m + e] = path;
      }
      for (int e = SLOTS; e < k; e++) {
        keys[m + e] = pathKey + (2L + e) * Streams.GAMMA;
        owner[m + e] = path;
      }
      m += k;
    }
    double[] x = damages(m, median, sigma, curve);
    double[] h = pathRatios;
    java.util.Arrays.fill(h, 0.0);
    int[] owner = owners;
    for (int i = 0; i < m; i++) {
      h[owner[i]] += x[i];
    }
    double[] t = totals;
    for (int p = from; p < to; p++) {
      double ratio = h[p - from];
      ratios += ratio;
      double loss = ratio * value;
      t[p] += loss;
      sum += loss;
      sumSq += loss * loss;
    }
    events += m;
  }

  private int[] tails(int m) {
    if (tailIndex.length < m) {
      tailIndex = new int[Math.max(m, 2 * tailIndex.length)];
    }
    return tailIndex;
  }

  /** The damage ratios of the first {@code m} events of {@link #eventKeys}, in {@link #damages}. */
  private double[] damages(int m, double median, double sigma, Curve curve) {
    double[] x = damages;
    long[] keys = eventKeys;
    if (sigma == 0) {
      java.util.Arrays.fill(x, 0, m, median);
    } else {
      // The normal quantile in two passes: the central formula for every event, without a branch,
      // noting the events in the tails (one in 20); then the tail formula for those only.
      int[] tail = tails(m);
      int t = 0;
      for (int i = 0; i < m; i++) {
        double u = Streams.openUniformOf(keys[i]);
        x[i] = InverseNormal.central(u);
        tail[t] = i;
        t += InverseNormal.inCentral(u) ? 0 : 1;
      }
      for (int j = 0; j < t; j++) {
        int i = tail[j];
        x[i] = InverseNormal.of(Streams.openUniformOf(keys[i]));
      }
      for (int i = 0; i < m; i++) {
        x[i] = median * Exp.of(sigma * x[i]);
      }
    }
    curve.damage(x, m);
    return x;
  }

  /**
   * Fills {@link #cdf} with P(N ≤ k) of a Poisson({@code lambda}) count and answers the last k
   * held: a count is the first k whose P(N ≤ k) is above the uniform, or that last k. The table
   * stops where the rest of the distribution is below 1e-16 (or at 255, beyond the frequencies
   * allowed).
   */
  private int poissonCdf(double lambda) {
    double pmf = StrictMath.exp(-lambda);
    double total = pmf;
    cdf[0] = total;
    int k = 0;
    while ((k < lambda || pmf > 1e-17 * total) && k < cdf.length - 1) {
      k++;
      pmf = pmf * lambda / k;
      total += pmf;
      cdf[k] = total;
    }
    cdf[k] = 2; // above every uniform: the search stops at k at the latest
    // The first count whose P(N ≤ count) is above j/GUIDE: a uniform u in [j/GUIDE, (j+1)/GUIDE)
    // has its count there or later, so the search starts there and gives the same count.
    int from = 0;
    for (int j = 0; j < GUIDE; j++) {
      while (!(cdf[from] > (double) j / GUIDE)) {
        from++;
      }
      guide[j] = from;
    }
    return k;
  }

  private void grow(int needed) {
    int size = Math.max(needed, eventKeys.length * 2);
    eventKeys = java.util.Arrays.copyOf(eventKeys, size);
    owners = java.util.Arrays.copyOf(owners, size);
    damages = new double[size];
  }

  private static double stdError(double sum, double sumSq, int n) {
    if (n < 2) {
      return 0;
    }
    double variance = Math.max(0, (sumSq - sum * sum / n) / (n - 1));
    return Math.sqrt(variance / n);
  }
}
