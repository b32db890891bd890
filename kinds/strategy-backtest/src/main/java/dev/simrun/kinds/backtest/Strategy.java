package dev.simrun.kinds.backtest;

import java.util.List;
import java.util.function.Supplier;

/**
 * The strategies of {@code strategy-backtest}: their parameters, which grid points are valid, and
 * the target position each wants after every bar's close (see {@link Engine} for how positions are
 * filled). A grid point is a {@code double[]} of the parameter values in {@link #params()} order.
 *
 * <p>Positions are 1 (long), 0 (flat) or -1 (short); with {@code long-only} a strategy's short
 * position becomes flat.
 */
public enum Strategy {

  /** Long while SMA(fast) is above SMA(slow), short while below, flat when equal. */
  SMA_CROSSOVER(
      "sma-crossover",
      List.of(
          ParamSpec.window("fast", 1, 1, "the fast simple moving average, in bars"),
          ParamSpec.window("slow", 1, 1, "the slow simple moving average, in bars"))) {
    @Override
    boolean valid(double[] p) {
      return p[0] < p[1];
    }

    @Override
    int warmUp(double[] p) {
      return (int) p[1] - 1;
    }

    @Override
    Signal signal(IndicatorCache cache, double[] p, boolean longShort, Supplier<byte[]> scratch) {
      int fast = (int) p[0];
      int slow = (int) p[1];
      return Signal.crossover(
          cache.rollingSma(fast),
          cache.rollingSma(slow),
          longShort,
          () ->
              Signal.crossover(
                  Indicators.sma(cache.close(), fast),
                  Indicators.sma(cache.close(), slow),
                  longShort));
    }

    @Override
    void signals(IndicatorCache cache, double[] p, boolean longShort, byte[] out) {
      int fast = (int) p[0];
      int slow = (int) p[1];
      crossover(
          cache.get("sma:" + fast, x -> Indicators.sma(x, fast)),
          cache.get("sma:" + slow, x -> Indicators.sma(x, slow)),
          slow - 1,
          longShort,
          out);
    }
  },

  /** Like {@link #SMA_CROSSOVER} with exponential moving averages. */
  EMA_CROSSOVER(
      "ema-crossover",
      List.of(
          ParamSpec.window("fast", 1, 1, "the fast exponential moving average, in bars"),
          ParamSpec.window("slow", 1, 1, "the slow exponential moving average, in bars"))) {
    @Override
    boolean valid(double[] p) {
      return p[0] < p[1];
    }

    @Override
    int warmUp(double[] p) {
      return (int) p[1] - 1;
    }

    @Override
    Signal signal(IndicatorCache cache, double[] p, boolean longShort, Supplier<byte[]> scratch) {
      int fast = (int) p[0];
      int slow = (int) p[1];
      return Signal.crossover(
          cache.get("ema:" + fast, x -> Indicators.ema(x, fast)),
          cache.get("ema:" + slow, x -> Indicators.ema(x, slow)),
          longShort);
    }

    @Override
    void signals(IndicatorCache cache, double[] p, boolean longShort, byte[] out) {
      int fast = (int) p[0];
      int slow = (int) p[1];
      crossover(
          cache.get("ema:" + fast, x -> Indicators.ema(x, fast)),
          cache.get("ema:" + slow, x -> Indicators.ema(x, slow)),
          slow - 1,
          longShort,
          out);
    }
  },

  /**
   * Mean reversion on Wilder's RSI: long once RSI falls below {@code lower}, held until RSI rises
   * above {@code upper}, where the strategy turns short (flat in long-only) until RSI falls below
   * {@code lower} again. Flat until the first of those.
   */
  RSI_REVERSION(
      "rsi-reversion",
      List.of(
          ParamSpec.window("period", 1, 2, "the RSI period, in bars"),
          ParamSpec.number("lower", 0, false, 100, List.of(30.0), "buy below this RSI"),
          ParamSpec.number("upper", 0, false, 100, List.of(70.0), "sell above this RSI"))) {
    @Override
    boolean valid(double[] p) {
      return p[1] < p[2];
    }

    @Override
    int warmUp(double[] p) {
      return (int) p[0];
    }

    @Override
    void signals(IndicatorCache cache, double[] p, boolean longShort, byte[] out) {
      int period = (int) p[0];
      double lower = p[1];
      double upper = p[2];
      double[] rsi = cache.get("rsi:" + period, x -> Indicators.rsi(x, period));
      byte high = longShort ? (byte) -1 : 0;
      byte state = 0;
      for (int t = period; t < rsi.length - 1; t++) {
        if (rsi[t] < lower) {
          state = 1;
        } else if (rsi[t] > upper) {
          state = high;
        }
        out[t] = state;
      }
    }
  },

  /**
   * Breakout of Bollinger bands {@code SMA(period) ± k × stdev(period)} of the closes: long when
   * the close is above the upper band, short (flat in long-only) when below the lower band; a long
   * position is closed when the close falls below the middle band, a short one when it rises above
   * it. Flat until the first breakout.
   */
  BOLLINGER_BREAKOUT(
      "bollinger-breakout",
      List.of(
          ParamSpec.window("period", 2, 1, "the moving average and deviation window, in bars"),
          ParamSpec.number("k", 0, true, 10, List.of(2.0), "the band width in deviations"))) {
    @Override
    boolean valid(double[] p) {
      return true;
    }

    @Override
    int warmUp(double[] p) {
      return (int) p[0] - 1;
    }

    @Override
    void signals(IndicatorCache cache, double[] p, boolean longShort, byte[] out) {
      int period = (int) p[0];
      double k = p[1];
      double[] close = cache.close();
      double[] middle = cache.get("sma:" + period, x -> Indicators.sma(x, period));
      double[] stdev = cache.get("stdev:" + period, x -> Indicators.stdev(x, period));
      byte low = longShort ? (byte) -1 : 0;
      byte state = 0;
      for (int t = period - 1; t < close.length - 1; t++) {
        double c = close[t];
        double width = k * stdev[t];
        if (c > middle[t] + width) {
          state = 1;
        } else if (c < middle[t] - width) {
          state = low;
        } else if ((state == 1 && c < middle[t]) || (state == -1 && c > middle[t])) {
          state = 0;
        }
        out[t] = state;
      }
    }
  },

  /**
   * Time-series momentum: long while the rate of change over {@code lookback} bars is above {@code
   * threshold}, short (flat in long-only) while it is below {@code -threshold}, flat between.
   */
  MOMENTUM(
      "momentum",
      List.of(
          ParamSpec.window("lookback", 1, 2, "the rate-of-change lookback, in bars"),
          ParamSpec.number(
              "threshold", 0, false, 1, List.of(0.0), "the rate of change needed, a fraction"))) {
    @Override
    boolean valid(double[] p) {
      return true;
    }

    @Override
    int warmUp(double[] p) {
      return (int) p[0];
    }

    @Override
    void signals(IndicatorCache cache, double[] p, boolean longShort, byte[] out) {
      int lookback = (int) p[0];
      double threshold = p[1];
      double[] roc = cache.get("roc:" + lookback, x -> Indicators.roc(x, lookback));
      byte low = longShort ? (byte) -1 : 0;
      for (int t = lookback; t < roc.length - 1; t++) {
        double m = roc[t];
        out[t] = m > threshold ? 1 : (m < -threshold ? low : 0);
      }
    }
  };

  private final String id;
  private final List<ParamSpec> params;

  Strategy(String id, List<ParamSpec> params) {
    this.id = id;
    this.params = params;
  }

  /** The name requests use, e.g. {@code sma-crossover}. */
  public String id() {
    return id;
  }

  /** The parameters, in grid order: the first varies slowest. */
  public List<ParamSpec> params() {
    return params;
  }

  /** Whether a grid point is run (e.g. {@code fast < slow}); invalid points are skipped. */
  abstract boolean valid(double[] point);

  /** The first bar with a defined signal; the returns are evaluated from the bar after it. */
  abstract int warmUp(double[] point);

  /**
   * Writes the target position after each bar {@code t} in {@code [warmUp, n-2]} to {@code out}.
   */
  abstract void signals(IndicatorCache cache, double[] point, boolean longShort, byte[] out);

  /**
   * The target positions of a grid point for {@link FusedEngine}: by default {@link #signals}
   * written to an array from {@code scratch} (as long as the series).
   */
  Signal signal(IndicatorCache cache, double[] point, boolean longShort, Supplier<byte[]> scratch) {
    byte[] out = scratch.get();
    signals(cache, point, longShort, out);
    return Signal.of(out);
  }

  /** The strategy named {@code id}, or null. */
  public static Strategy byId(String id) {
    for (Strategy s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    return null;
  }

  /** The names of all strategies, in declaration order. */
  public static List<String> ids() {
    return java.util.Arrays.stream(values()).map(Strategy::id).toList();
  }

  private static void crossover(
      double[] fast, double[] slow, int t0, boolean longShort, byte[] out) {
    byte low = longShort ? (byte) -1 : 0;
    for (int t = t0; t < fast.length - 1; t++) {
      double f = fast[t];
      double s = slow[t];
      out[t] = f > s ? 1 : (f < s ? low : 0);
    }
  }

  /**
   * One parameter of a strategy.
   *
   * @param name the name in {@code grid} and in results
   * @param integer whether values are whole numbers of bars
   * @param min the smallest value
   * @param minExclusive whether {@code min} itself is excluded
   * @param max the largest value for numbers; for windows, unused ({@code barsMargin} decides)
   * @param barsMargin for windows: the largest value is {@code bars - barsMargin}
   * @param defaults the values used when the request gives none; null when required
   * @param description what it means, for docs and errors
   */
  public record ParamSpec(
      String name,
      boolean integer,
      double min,
      boolean minExclusive,
      double max,
      int barsMargin,
      List<Double> defaults,
      String description) {

    static ParamSpec window(String name, int min, int barsMargin, String description) {
      return new ParamSpec(name, true, min, false, Double.NaN, barsMargin, null, description);
    }

    static ParamSpec number(
        String name,
        double min,
        boolean minExclusive,
        double max,
        List<Double> defaults,
        String description) {
      return new ParamSpec(name, false, min, minExclusive, max, 0, defaults, description);
    }

    /** The largest allowed value on series of {@code bars} bars. */
    double maxFor(int bars) {
      return integer ? bars - barsMargin : max;
    }

    /** The allowed range as text, e.g. {@code 1..bars-1 (1..99)} or {@code (0, 10]}. */
    String range(Integer bars) {
      if (integer) {
        String symbolic = (int) min + "..bars-" + barsMargin;
        return bars == null
            ? symbolic
            : symbolic + " (" + (int) min + ".." + (bars - barsMargin) + ")";
      }
      return (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
    }

    private static String fmt(double x) {
      return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
  }
}
