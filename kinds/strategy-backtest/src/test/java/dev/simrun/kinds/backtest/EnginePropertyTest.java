package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.SmaCrossoverReferenceTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The execution model and every metric against {@link ReferenceBacktest} on generated bars, signals
 * and costs.
 */
class EnginePropertyTest {

  record Case(
      double[] open,
      double[] close,
      byte[] signal,
      int t0,
      double commissionBps,
      double slippageBps,
      double barsPerYear) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Integer> size = Arbitraries.integers().between(2, 200);
    return size.flatMap(
        n -> {
          Arbitrary<double[]> closes =
              Arbitraries.doubles()
                  .between(-0.05, 0.05)
                  .array(double[].class)
                  .ofSize(n)
                  .map(
                      steps -> {
                        double[] c = new double[n];
                        double p = 100;
                        for (int i = 0; i < n; i++) {
                          p *= Math.exp(steps[i]);
                          c[i] = p;
                        }
                        return c;
                      });
          Arbitrary<double[]> gaps =
              Arbitraries.doubles().between(-0.01, 0.01).array(double[].class).ofSize(n);
          Arbitrary<byte[]> signals =
              Arbitraries.of((byte) -1, (byte) 0, (byte) 1, (byte) 1, (byte) 0)
                  .array(byte[].class)
                  .ofSize(n);
          Arbitrary<Integer> t0 = Arbitraries.integers().between(0, n - 2);
          Arbitrary<Double> bps = Arbitraries.doubles().between(0, 50).withSpecialValue(0.0);
          Arbitrary<Double> perYear = Arbitraries.of(1.0, 12.0, 252.0, 98_280.0);
          return Combinators.combine(closes, gaps, signals, t0, bps, bps, perYear)
              .as(
                  (c, g, s, t, com, slip, bpy) -> {
                    double[] open = new double[n];
                    for (int i = 0; i < n; i++) {
                      open[i] = (i == 0 ? 100 : c[i - 1]) * Math.exp(g[i]);
                    }
                    return new Case(open, c, s, t, com, slip, bpy);
                  });
        });
  }

  private static Integer[] boxed(byte[] signal, int t0) {
    Integer[] out = new Integer[signal.length];
    for (int t = t0; t < signal.length; t++) {
      out[t] = (int) signal[t];
    }
    return out;
  }

  @Property(tries = 500)
  void metricsEquityAndTradesMatchTheReference(@ForAll("cases") Case c) {
    Ohlc bars = new Ohlc(c.open(), c.open(), c.open(), c.close());
    int n = c.close().length;
    double[] equity = new double[n];
    List<ReferenceBacktest.Trade> trades = new ArrayList<>();
    int[] open = {-1, 0};
    double[] entryFill = {0};
    Engine.TradeLog log =
        new Engine.TradeLog() {
          @Override
          public void entry(int bar, int side, double fill) {
            open[0] = bar;
            open[1] = side;
            entryFill[0] = fill;
          }

          @Override
          public void exit(int bar, double fill) {
            trades.add(new ReferenceBacktest.Trade(open[0], bar, open[1], entryFill[0], fill));
          }
        };
    Engine.Metrics actual =
        Engine.run(
            bars,
            Indicators.barReturns(c.close()),
            c.signal(),
            c.t0(),
            new Engine.Settings(
                c.commissionBps() / 10_000, c.slippageBps() / 10_000, c.barsPerYear()),
            new double[n],
            log,
            equity);
    ReferenceBacktest.Run run =
        ReferenceBacktest.execute(
            c.open(), c.close(), boxed(c.signal(), c.t0()), c.commissionBps(), c.slippageBps());
    assertCloseGivenNoise(
        actual,
        ReferenceBacktest.metrics(run, c.barsPerYear()),
        run.returns().stream().mapToDouble(Double::doubleValue).toArray());
    assertThat(trades).hasSameSizeAs(run.trades());
    for (int i = 0; i < trades.size(); i++) {
      ReferenceBacktest.Trade a = trades.get(i);
      ReferenceBacktest.Trade e = run.trades().get(i);
      assertThat(a.entryBar()).isEqualTo(e.entryBar());
      assertThat(a.exitBar()).isEqualTo(e.exitBar());
      assertThat(a.side()).isEqualTo(e.side());
      assertThat(a.entryFill()).isCloseTo(e.entryFill(), within(1e-9 * e.entryFill()));
      assertThat(a.exitFill()).isCloseTo(e.exitFill(), within(1e-9 * e.exitFill()));
    }
    for (int t = 0; t < n; t++) {
      double expected = run.equity().get(t);
      assertThat(equity[t])
          .as("equity at %d", t)
          .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }
  }

  /**
   * The worker's one-pass engine against {@link Engine}, which the property above checks against
   * the reference: the same metrics and equity. (Against {@link Engine} rather than the reference
   * because where the two-pass variance matters the one-pass engine falls back to {@link Engine}.)
   */
  @Property(tries = 500)
  void theFusedEngineMatchesTheEngine(@ForAll("cases") Case c) {
    Ohlc bars = new Ohlc(c.open(), c.open(), c.open(), c.close());
    int n = c.close().length;
    Engine.Settings settings =
        new Engine.Settings(c.commissionBps() / 10_000, c.slippageBps() / 10_000, c.barsPerYear());
    double[] samples = new double[Math.min(n, EquityCurve.MAX_POINTS)];
    Engine.Metrics actual =
        FusedEngine.run(PreparedSeries.of(bars), Signal.of(c.signal()), c.t0(), settings, samples);
    double[] equity = new double[n];
    Engine.Metrics expected =
        Engine.run(
            bars,
            Indicators.barReturns(c.close()),
            c.signal(),
            c.t0(),
            settings,
            new double[n],
            null,
            equity);
    assertCloseGivenNoise(actual, expected, returnsAfter(equity, c.t0()));
    double[] expectedSamples = EquityCurve.samples(equity);
    for (int i = 0; i < samples.length; i++) {
      assertThat(samples[i])
          .as("equity sample %d", i)
          .isCloseTo(expectedSamples[i], within(1e-9 * Math.max(1, Math.abs(expectedSamples[i]))));
    }
  }

  /**
   * Like {@link SmaCrossoverReferenceTest#assertClose} at 1e-9, except for the metrics divided by a
   * deviation of the returns. Each return is a ratio of equities near 1 and carries about 1e-16 of
   * absolute rounding, which differs between two correct ways of computing it; divided by a
   * deviation {@code sd}, that is a relative error of about 1e-16 / sd. Where the returns barely
   * vary (a per-bar Sharpe of 10^5 or more, which generated prices do produce), that exceeds 1e-9,
   * so those metrics may differ by 1e-14 / sd more: a hundred times the noise, still far below any
   * real deviation's effect.
   */
  static void assertCloseGivenNoise(Engine.Metrics actual, Engine.Metrics expected, double[] r) {
    double eps = 1e-9;
    double mean = Arrays.stream(r).average().orElse(0.0);
    double squares = 0.0;
    double downside = 0.0;
    for (double x : r) {
      squares += (x - mean) * (x - mean);
      downside += Math.min(x, 0.0) * Math.min(x, 0.0);
    }
    double sd = r.length > 1 ? Math.sqrt(squares / (r.length - 1)) : 0.0;
    double dd = r.length > 0 ? Math.sqrt(downside / r.length) : 0.0;
    double bySd = sd > 0.0 ? eps + 1e-14 / sd : eps;
    double byDd = dd > 0.0 ? eps + 1e-14 / dd : eps;
    Engine.Metrics exact =
        new Engine.Metrics(
            actual.trades(),
            actual.totalReturn(),
            actual.cagr(),
            expected.volatility(),
            expected.sharpe(),
            expected.sortino(),
            actual.maxDrawdown(),
            actual.calmar(),
            actual.winRate(),
            actual.profitFactor(),
            actual.exposure());
    assertClose(exact, expected, eps);
    SmaCrossoverReferenceTest.assertNullableClose(
        "volatility", actual.volatility(), expected.volatility(), bySd);
    SmaCrossoverReferenceTest.assertNullableClose(
        "sharpe", actual.sharpe(), expected.sharpe(), bySd);
    SmaCrossoverReferenceTest.assertNullableClose(
        "sortino", actual.sortino(), expected.sortino(), byDd);
  }

  /** The per-bar returns of an equity series from bar {@code t0 + 1}. */
  static double[] returnsAfter(double[] equity, int t0) {
    double[] r = new double[Math.max(0, equity.length - t0 - 1)];
    for (int j = t0 + 1; j < equity.length; j++) {
      r[j - t0 - 1] = equity[j] / equity[j - 1] - 1.0;
    }
    return r;
  }

  @Property(tries = 200)
  void withoutCostsALongOnlyRunCompoundsItsTradesFillToFill(@ForAll("cases") Case c) {
    byte[] longOnly = c.signal().clone();
    for (int i = 0; i < longOnly.length; i++) {
      longOnly[i] = (byte) Math.max(0, longOnly[i]);
    }
    Ohlc bars = new Ohlc(c.open(), c.open(), c.open(), c.close());
    int n = c.close().length;
    double[] product = {1};
    int[] last = {-1};
    double[] entry = {0};
    Engine.Metrics m =
        Engine.run(
            bars,
            Indicators.barReturns(c.close()),
            longOnly,
            c.t0(),
            new Engine.Settings(0, 0, 252),
            new double[n],
            new Engine.TradeLog() {
              @Override
              public void entry(int bar, int side, double fill) {
                entry[0] = fill;
                last[0] = bar;
              }

              @Override
              public void exit(int bar, double fill) {
                product[0] *= fill / entry[0];
                last[0] = -1;
              }
            },
            null);
    // An open position at the end is marked at the last close.
    if (last[0] >= 0) {
      product[0] *= c.close()[n - 1] / entry[0];
    }
    assertThat(m.totalReturn()).isCloseTo(product[0] - 1, within(1e-9));
    assertThat(m.exposure()).isBetween(0.0, 1.0);
    assertThat(m.maxDrawdown()).isBetween(0.0, 1.0);
  }
}
