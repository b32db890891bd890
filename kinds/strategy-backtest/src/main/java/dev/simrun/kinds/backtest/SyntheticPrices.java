package dev.simrun.kinds.backtest;

import dev.simrun.kinds.Normals;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic OHLC bars, and a small bounded cache of them.
 *
 * <p>A series is a function of (seed, symbol, bars) only. The closes:
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
 * <p>Opens, highs and lows come from a second {@link SplittableRandom}, seeded with {@code
 * mix64(seriesSeed ^ OHLC_SALT)}, so that the closes are the same as when the series had closes
 * only. With {@code z} a standard normal and {@code u1, u2} uniforms in [0, 1) drawn in that order
 * per bar: {@code open[0] = START_PRICE}, {@code open[t] = close[t-1] * exp(GAP_VOLATILITY * z)}
 * for {@code t >= 1} (a small gap between one bar's close and the next bar's open), {@code high[t]
 * = max(open[t], close[t]) * exp(WICK * u1)} and {@code low[t] = min(open[t], close[t]) * exp(-WICK
 * * u2)}, so {@code low <= min(open, close) <= max(open, close) <= high} on every bar.
 *
 * <p>Transcendental functions use {@link StrictMath}, whose results are specified bit for bit, so
 * every JVM on every CPU produces the same series ({@code Math.log}/{@code exp}/{@code cos} may
 * differ in the last bit between intrinsics).
 *
 * <p>An instance caches series keyed by (seed, symbol, bars), least recently used first out, up to
 * a budget of doubles held (four per bar), so the chunks of one simulation that run on one worker
 * generate each series once. Returned arrays are shared: callers must not modify them. Thread-safe.
 */
public final class SyntheticPrices {

  /** The first close of every series. */
  public static final double START_PRICE = 100.0;

  /** The expected simple return per bar ({@code μ} of the GBM). */
  public static final double DRIFT = 0.000001;

  /** The standard deviation of the log return per bar ({@code σ} of the GBM). */
  public static final double VOLATILITY = 0.0005;

  /** The standard deviation of the log gap between a close and the next bar's open. */
  public static final double GAP_VOLATILITY = 0.0001;

  /** The largest log distance of a high above, or a low below, the bar's body. */
  public static final double WICK = 0.0005;

  /** The default cache budget: 8 M doubles (2 M bars), 64 MB. */
  public static final long DEFAULT_MAX_CACHED_DOUBLES = 8_000_000L;

  private static final long OHLC_SALT = 0x6f686c63L; // "ohlc"

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final double TWO_PI = 2.0 * Math.PI;

  private record Key(long seed, String symbol, int bars) {}

  private final long maxCachedDoubles;
  private final LinkedHashMap<Key, Ohlc> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long cachedDoubles;
  private long generated;

  public SyntheticPrices() {
    this(DEFAULT_MAX_CACHED_DOUBLES);
  }

  /**
   * @param maxCachedDoubles the most doubles the cache holds in total; a series longer than this is
   *     generated on every call (a bar takes four)
   */
  public SyntheticPrices(long maxCachedDoubles) {
    if (maxCachedDoubles < 0) {
      throw new IllegalArgumentException("maxCachedDoubles must be >= 0");
    }
    this.maxCachedDoubles = maxCachedDoubles;
  }

  /**
   * The bars of (seed, symbol) over {@code bars} bars, from the cache or freshly generated. The
   * arrays are shared: do not modify them.
   */
  public Ohlc bars(long seed, String symbol, int bars) {
    Key key = new Key(seed, symbol, bars);
    synchronized (cache) {
      Ohlc hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    // Generate outside the lock; two threads racing on one key compute identical arrays.
    Ohlc series = generateBars(seed, symbol, bars);
    long doubles = 4L * bars;
    synchronized (cache) {
      generated++;
      Ohlc raced = cache.get(key);
      if (raced != null) {
        return raced;
      }
      if (doubles <= maxCachedDoubles) {
        cache.put(key, series);
        cachedDoubles += doubles;
        Iterator<Map.Entry<Key, Ohlc>> eldest = cache.entrySet().iterator();
        while (cachedDoubles > maxCachedDoubles && eldest.hasNext()) {
          cachedDoubles -= 4L * eldest.next().getValue().size();
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

  /** Generates the bars of (seed, symbol), uncached; new arrays. */
  public static Ohlc generateBars(long seed, String symbol, int bars) {
    double[] close = generate(seed, symbol, bars);
    double[] open = new double[bars];
    double[] high = new double[bars];
    double[] low = new double[bars];
    SplittableRandom random = new SplittableRandom(mix64(seriesSeed(seed, symbol) ^ OHLC_SALT));
    for (int t = 0; t < bars; t++) {
      double z = normal(random);
      open[t] = t == 0 ? START_PRICE : close[t - 1] * StrictMath.exp(GAP_VOLATILITY * z);
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      high[t] = Math.max(open[t], close[t]) * StrictMath.exp(WICK * u1);
      low[t] = Math.min(open[t], close[t]) * StrictMath.exp(-WICK * u2);
    }
    return new Ohlc(open, high, low, close);
  }

  /** One standard normal by Box–Muller (the cosine branch only), from two uniforms. */
  private static double normal(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2);
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
    Normals normals = new Normals(random);
    for (int t = 1; t < bars; t++) {
      logPrice += logDrift + VOLATILITY * normals.next();
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
