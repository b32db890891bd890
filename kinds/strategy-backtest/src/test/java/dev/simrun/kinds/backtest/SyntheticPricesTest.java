package dev.simrun.kinds.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticPricesTest {

  @Test
  void sameSeedAndSymbolGiveTheSameSeries() {
    double[] a = SyntheticPrices.generate(42, "AAA", 5_000);
    double[] b = SyntheticPrices.generate(42, "AAA", 5_000);
    assertThat(b).isEqualTo(a);
    // A shorter series is a prefix of the longer one.
    assertThat(SyntheticPrices.generate(42, "AAA", 100)).isEqualTo(Arrays.copyOf(a, 100));
  }

  @Test
  void differentSymbolOrSeedGiveDifferentSeries() {
    double[] a = SyntheticPrices.generate(42, "AAA", 1_000);
    assertThat(SyntheticPrices.generate(42, "AAB", 1_000)).isNotEqualTo(a);
    assertThat(SyntheticPrices.generate(42, "aaa", 1_000)).isNotEqualTo(a);
    assertThat(SyntheticPrices.generate(43, "AAA", 1_000)).isNotEqualTo(a);
    assertThat(SyntheticPrices.seriesSeed(42, "AAA"))
        .isNotEqualTo(SyntheticPrices.seriesSeed(42, "AAB"))
        .isNotEqualTo(SyntheticPrices.seriesSeed(43, "AAA"));
  }

  @Test
  void pricesArePositiveFiniteAndStartAt100() {
    double[] closes = SyntheticPrices.generate(-7, "X", 200_000);
    assertThat(closes[0]).isEqualTo(100.0);
    assertThat(Arrays.stream(closes).allMatch(c -> c > 0 && Double.isFinite(c))).isTrue();
  }

  @Test
  void logReturnsHaveTheDocumentedDriftAndVolatility() {
    int n = 400_001;
    double[] closes = SyntheticPrices.generate(1, "STATS", n);
    double sum = 0;
    double squares = 0;
    for (int t = 1; t < n; t++) {
      double r = Math.log(closes[t] / closes[t - 1]);
      sum += r;
      squares += r * r;
    }
    double mean = sum / (n - 1);
    double sd = Math.sqrt(squares / (n - 1) - mean * mean);
    double v = SyntheticPrices.VOLATILITY;
    assertThat(sd).isCloseTo(v, within(v * 0.01));
    // Allow five standard errors of the mean (v / sqrt(n)).
    assertThat(mean).isCloseTo(SyntheticPrices.DRIFT - v * v / 2, within(5 * v / Math.sqrt(n)));
  }

  @Test
  void goldenValuesPinTheAlgorithm() {
    // If these change, every stored synthetic result changes: a JDK changed SplittableRandom or
    // someone changed the generator. Values since the per-bar drift and volatility of one-minute
    // bars (Temurin 25).
    double[] closes = SyntheticPrices.generate(42, "AAA", 4);
    assertThat(Arrays.stream(closes).mapToObj(Double::toHexString).toList())
        .containsExactly(GOLDEN);
    assertThat(Long.toHexString(SyntheticPrices.seriesSeed(42, "AAA"))).isEqualTo(GOLDEN_SEED);
    assertThat(Double.toHexString(SyntheticPrices.generate(42, "AAA", 100_000)[99_999]))
        .isEqualTo(GOLDEN_LAST);
  }

  private static final String[] GOLDEN = {
    "0x1.9p6", "0x1.900b078b89291p6", "0x1.8fc3753184921p6", "0x1.8f8f6cc1d5aa8p6"
  };
  private static final String GOLDEN_SEED = "ccdba21e9612f994";
  private static final String GOLDEN_LAST = "0x1.883c59c0ff6bp6";

  @Test
  void barsAreConsistentAndTheClosesAreTheCloseSeries() {
    Ohlc bars = SyntheticPrices.generateBars(42, "AAA", 50_000);
    assertThat(bars.close()).isEqualTo(SyntheticPrices.generate(42, "AAA", 50_000));
    assertThat(bars.open()[0]).isEqualTo(SyntheticPrices.START_PRICE);
    for (int t = 0; t < bars.size(); t++) {
      double o = bars.open()[t];
      double c = bars.close()[t];
      assertThat(bars.low()[t]).isPositive().isLessThanOrEqualTo(Math.min(o, c));
      assertThat(bars.high()[t]).isGreaterThanOrEqualTo(Math.max(o, c));
      if (t > 0) {
        // The gap from the previous close is small: GAP_VOLATILITY is 1 bp.
        assertThat(Math.abs(Math.log(o / bars.close()[t - 1]))).isLessThan(0.001);
      }
    }
    Ohlc again = SyntheticPrices.generateBars(42, "AAA", 50_000);
    assertThat(again.open()).isEqualTo(bars.open());
    assertThat(again.high()).isEqualTo(bars.high());
    assertThat(again.low()).isEqualTo(bars.low());
    assertThat(SyntheticPrices.generateBars(42, "AAB", 100).open())
        .isNotEqualTo(Arrays.copyOf(bars.open(), 100));
  }

  @Test
  void theCacheGeneratesEachSeriesOnceAndStaysWithinItsBudget() {
    // Four doubles a bar: 10,000 doubles hold 2,500 bars.
    SyntheticPrices prices = new SyntheticPrices(10_000);
    Ohlc a = prices.bars(1, "A", 1_000);
    assertThat(prices.bars(1, "A", 1_000)).isSameAs(a);
    assertThat(prices.generatedCount()).isEqualTo(1);
    assertThat(prices.bars(1, "A", 999)).isNotSameAs(a);
    prices.bars(1, "B", 1_000); // 2,999 bars > 2,500: evicts the least recently used (A/1000)
    assertThat(prices.cachedDoubles()).isLessThanOrEqualTo(10_000);
    assertThat(prices.generatedCount()).isEqualTo(3);
    assertThat(prices.bars(1, "A", 1_000)).isNotSameAs(a);
    assertThat(prices.bars(1, "A", 1_000).close()).isEqualTo(a.close());
    assertThat(prices.generatedCount()).isEqualTo(4);
    // Too big to cache at all: generated each time.
    prices.bars(1, "C", 3_000);
    prices.bars(1, "C", 3_000);
    assertThat(prices.generatedCount()).isEqualTo(6);
    assertThat(prices.cachedDoubles()).isLessThanOrEqualTo(10_000);
  }
}
