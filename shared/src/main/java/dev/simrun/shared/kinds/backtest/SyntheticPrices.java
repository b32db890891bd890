package dev.simrun.shared.kinds.backtest;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic closing prices, and a small bounded cache of them.
 *
 * <p>A series is a function of (seed, symbol, bars) only:
 *
 * <ol>
 *   <li>the series seed is {@code mix64(mix64(seed + GOLDEN_GAMMA) ^ fnv1a64(utf8(symbol)))}, where
 *       {@code mix64} is the SplitMix64 finalizer and {@code fnv1a64} is 64-bit FNV-1a over the
 *       symbol's UTF-8 bytes;
 *   <li>a {@link SplittableRandom} seeded with it yields uniform doubles via {@code nextDouble()};
 *   <li>standard normals come from our own Box–Muller transform of pairs of those uniforms ({@code
 *       u1 = 1 - nextDouble()} in (0, 1], {@code u2 = nextDouble()}; both {@code r cos θ} and
 *       {@code r sin θ} are used, in that order), never {@code nextGaussian}, whose algorithm
 *       differs between JDKs;
 *   <li>closes follow geometric Brownian motion from {@value #START_PRICE}: {@code close[t] =
 *       close[t-1] * exp(DRIFT - VOLATILITY² / 2 + VOLATILITY * z[t])}, accumulated in log space,
 *       with per-bar drift {@value #DRIFT} and per-bar volatility {@value #VOLATILITY}: about 10 %
 *       a year and 16 % annualized volatility if a bar is one minute of a 390-minute trading day
 *       (98,280 bars a year), so 100,000 bars look like a year of one-minute bars.
 * </ol>
 *
 * <p>Transcendental functions use {@link StrictMath}, whose results are specified bit for bit, so
 * every JVM on every CPU produces the same series ({@code Math.log}/{@code exp}/{@code cos} may
 * differ in the last bit between intrinsics).
 *
 * <p>An instance caches series keyed by (seed, symbol, bars), least recently used first out, up to
 * a budget of doubles held, so the chunks of one simulation that run on one worker generate each
 * series once. Returned arrays are shared: callers must not modify them. Thread-safe.
 */
public final class SyntheticPrices {

  /** The first close of every series. */
  public static final double START_PRICE = 100.0;

  /** The expected simple return per bar ({@code μ} of the GBM). */
  public static final double DRIFT = 0.000001;

  /** The standard deviation of the log return per bar ({@code σ} of the GBM). */
  public static final double VOLATILITY = 0.0005;

  /** The default cache budget: 4 M doubles, 32 MB. */
  public static final long DEFAULT_MAX_CACHED_DOUBLES = 4_000_000L;

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final double TWO_PI = 2.0 * Math.PI;

  private record Key(long seed, String symbol, int bars) {}

  private final long maxCachedDoubles;
  private final LinkedHashMap<Key, double[]> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long cachedDoubles;
  private long generated;

  public SyntheticPrices() {
    this(DEFAULT_MAX_CACHED_DOUBLES);
  }

  /**
   * @param maxCachedDoubles the most doubles the cache holds in total; a series longer than this is
   *     generated on every call
   */
  public SyntheticPrices(long maxCachedDoubles) {
    if (maxCachedDoubles < 0) {
      throw new IllegalArgumentException("maxCachedDoubles must be >= 0");
    }
    this.maxCachedDoubles = maxCachedDoubles;
  }

  /**
   * The closes of (seed, symbol) over {@code bars} bars, from the cache or freshly generated. The
   * array is shared: do not modify it.
   */
  public double[] closes(long seed, String symbol, int bars) {
    Key key = new Key(seed, symbol, bars);
    synchronized (cache) {
      double[] hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    // Generate outside the lock; two threads racing on one key compute identical arrays.
    double[] series = generate(seed, symbol, bars);
    synchronized (cache) {
      generated++;
      double[] raced = cache.get(key);
      if (raced != null) {
        return raced;
      }
      if (bars <= maxCachedDoubles) {
        cache.put(key, series);
        cachedDoubles += bars;
        Iterator<Map.Entry<Key, double[]>> eldest = cache.entrySet().iterator();
        while (cachedDoubles > maxCachedDoubles && eldest.hasNext()) {
          cachedDoubles -= eldest.next().getValue().length;
          eldest.remove();
        }
      }
    }
    return series;
  }

  /** How many series this instance generated (cache misses); for tests and diagnostics. */
  public long generatedCount() {
    synchronized (cache) {
      return generated;
    }
  }

  /** How many doubles the cache holds now. */
  public long cachedDoubles() {
    synchronized (cache) {
      return cachedDoubles;
    }
  }

  /** Generates the closes of (seed, symbol) over {@code bars} bars, uncached; a new array. */
  public static double[] generate(long seed, String symbol, int bars) {
    if (bars < 1) {
      throw new IllegalArgumentException("bars must be >= 1, got " + bars);
    }
    SplittableRandom random = new SplittableRandom(seriesSeed(seed, symbol));
    double logDrift = DRIFT - VOLATILITY * VOLATILITY / 2.0;
    double[] closes = new double[bars];
    closes[0] = START_PRICE;
    double logPrice = 0.0;
    double spare = 0.0;
    boolean haveSpare = false;
    for (int t = 1; t < bars; t++) {
      double z;
      if (haveSpare) {
        z = spare;
        haveSpare = false;
      } else {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
        double u2 = random.nextDouble();
        double r = Math.sqrt(-2.0 * StrictMath.log(u1)); // sqrt is correctly rounded everywhere
        double theta = TWO_PI * u2;
        z = r * StrictMath.cos(theta);
        spare = r * StrictMath.sin(theta);
        haveSpare = true;
      }
      logPrice += logDrift + VOLATILITY * z;
      closes[t] = START_PRICE * StrictMath.exp(logPrice);
    }
    return closes;
  }

  /** The 64-bit seed of one symbol's series. */
  public static long seriesSeed(long seed, String symbol) {
    return mix64(mix64(seed + GOLDEN_GAMMA) ^ fnv1a64(symbol.getBytes(StandardCharsets.UTF_8)));
  }

  static long fnv1a64(byte[] bytes) {
    long hash = FNV_OFFSET_BASIS;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }

  /** The SplitMix64 finalizer (Stafford's variant 13). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
