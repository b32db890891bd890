package dev.simrun.bench;

import dev.simrun.kinds.Bars;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.UnitRange;
import dev.simrun.kinds.backtest.BacktestChunkResult;
import dev.simrun.kinds.backtest.BacktestParams;
import dev.simrun.kinds.backtest.Ohlc;
import dev.simrun.kinds.backtest.StrategyBacktestKind;
import dev.simrun.kinds.backtest.SyntheticPrices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.BaseStrategy;
import org.ta4j.core.TradingRecord;
import org.ta4j.core.backtest.BarSeriesManager;
import org.ta4j.core.backtest.TradeOnNextOpenModel;
import org.ta4j.core.indicators.averages.SMAIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.num.DoubleNumFactory;
import org.ta4j.core.rules.OverIndicatorRule;

/**
 * The strategy-backtest engine against ta4j 0.22.2 (DoubleNum) on the same 1,000,000 bars and the
 * same 10 SMA-crossover pairs, single thread, rounds interleaved. Ours runs as a worker runs it:
 * {@code StrategyBacktestKind.runChunk} over all 10 units of an uploaded dataset (indicators,
 * signals, next-open fills, every metric, equity curves of the top 5). ta4j runs the same rules
 * with {@code TradeOnNextOpenModel}, one {@code SMAIndicator} per distinct window shared by the
 * pairs of a round (as our engine shares them), fresh each round so that neither side reuses work
 * across rounds. Building the bar series is not timed on either side.
 *
 * <p>Usage: {@code StrategyEngineBenchmark [bars] [--rounds=R] [--warmup=W]}: W warm-up rounds
 * (default 1), then R measured rounds (default 5). A round of ours takes a few tens of
 * milliseconds, so the JIT may still be compiling its loops after one warm-up round; more warm-up
 * rounds measure both engines compiled (ta4j's rounds are long enough either way).
 */
public final class StrategyEngineBenchmark {

  private static final int[] FAST = {5, 10, 20, 30, 50};
  private static final int[] SLOW = {100, 200};
  private static final double GOAL = 50.0;

  private StrategyEngineBenchmark() {}

  public static void main(String[] args) throws IOException {
    int bars = 1_000_000;
    int rounds = 5;
    int warmup = 1;
    for (String arg : args) {
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--warmup=")) {
        warmup = Integer.parseInt(arg.substring("--warmup=".length()));
      } else {
        bars = Integer.parseInt(arg);
      }
    }
    int pairs = FAST.length * SLOW.length;
    long evaluations = (long) bars * pairs;
    Ohlc ohlc = SyntheticPrices.generateBars(7, "BENCH", bars);
    long[] time = new long[bars];
    for (int i = 0; i < bars; i++) {
      time[i] = 1_735_828_200L + 60L * i;
    }
    Bars data =
        new Bars(time, ohlc.open(), ohlc.high(), ohlc.low(), ohlc.close(), new double[bars]);
    Datasets datasets = new OneDataset(data);
    StrategyBacktestKind kind = new StrategyBacktestKind(datasets);
    List<Integer> fast = java.util.Arrays.stream(FAST).boxed().toList();
    List<Integer> slow = java.util.Arrays.stream(SLOW).boxed().toList();
    BacktestParams params =
        new BacktestParams(
            new BacktestParams.Data(null, "bench"),
            "sma-crossover",
            new BacktestParams.Grid(fast, slow),
            new BacktestParams.Costs(0.0, 0.0));
    if (!kind.validate(params).isEmpty()) {
      throw new IllegalStateException(kind.validate(params).toString());
    }
    BarSeries series = ta4jSeries(ohlc);
    String loadBefore = loadAverage();

    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    int ourTrades = 0;
    int theirTrades = 0;
    for (int round = 1 - warmup; round <= rounds; round++) {
      long t0 = System.nanoTime();
      BacktestChunkResult result =
          kind.runChunk(params, new UnitRange(0, pairs), ChunkContext.NONE);
      long t1 = System.nanoTime();
      int trades = 0;
      Map<Integer, SMAIndicator> smas = new HashMap<>();
      ClosePriceIndicator close = new ClosePriceIndicator(series);
      for (int f : FAST) {
        for (int s : SLOW) {
          SMAIndicator smaFast = smas.computeIfAbsent(f, w -> new SMAIndicator(close, w));
          SMAIndicator smaSlow = smas.computeIfAbsent(s, w -> new SMAIndicator(close, w));
          OverIndicatorRule over = new OverIndicatorRule(smaFast, smaSlow);
          TradingRecord record =
              new BarSeriesManager(series, new TradeOnNextOpenModel())
                  .run(new BaseStrategy(over, over.negation(), s - 1));
          trades += record.getPositionCount() + (record.getCurrentPosition().isOpened() ? 1 : 0);
        }
      }
      long t2 = System.nanoTime();
      ourTrades = result.units().stream().mapToInt(u -> u.trades()).sum();
      theirTrades = trades;
      double ourRate = evaluations / ((t1 - t0) / 1e9);
      double theirRate = evaluations / ((t2 - t1) / 1e9);
      System.out.printf(
          Locale.ROOT,
          "%s round %d: ours %.1f M bar-evals/s (%.3f s), ta4j %.2f M/s (%.3f s), trades %d / %d%n",
          round <= 0 ? "warm-up" : "measured",
          round,
          ourRate / 1e6,
          (t1 - t0) / 1e9,
          theirRate / 1e6,
          (t2 - t1) / 1e9,
          ourTrades,
          theirTrades);
      if (round > 0) {
        ours.add(ourRate);
        theirs.add(theirRate);
      }
    }
    if (ourTrades != theirTrades) {
      throw new IllegalStateException(
          "the engines disagree on the trades: " + ourTrades + " vs " + theirTrades);
    }
    String load = "before " + loadBefore + ", after " + loadAverage();
    write(bars, pairs, warmup, rounds, ours, theirs, ourTrades, load, args);
  }

  private static BarSeries ta4jSeries(Ohlc bars) {
    BarSeries series =
        new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
    Instant start = Instant.parse("2025-01-02T14:30:00Z");
    for (int t = 0; t < bars.size(); t++) {
      series
          .barBuilder()
          .timePeriod(Duration.ofMinutes(1))
          .endTime(start.plusSeconds(60L * (t + 1)))
          .openPrice(bars.open()[t])
          .highPrice(bars.high()[t])
          .lowPrice(bars.low()[t])
          .closePrice(bars.close()[t])
          .volume(0)
          .add();
    }
    return series;
  }

  private static void write(
      int bars,
      int pairs,
      int warmup,
      int rounds,
      List<Double> ours,
      List<Double> theirs,
      int trades,
      String load,
      String[] args)
      throws IOException {
    double ourMedian = Stats.median(ours, x -> x);
    double theirMedian = Stats.median(theirs, x -> x);
    double ratio = ourMedian / theirMedian;
    List<String> lines = new ArrayList<>();
    lines.add("# Strategy engine: SimRun vs ta4j, SMA crossover");
    lines.add("");
    lines.add("Benchmark: `dev.simrun.bench.StrategyEngineBenchmark` (see `bench/README.md`).");
    lines.add("");
    lines.add("- Date: " + Stats.isoSeconds(Instant.now()));
    lines.add("- Code: " + Machine.revision());
    lines.addAll(Machine.describe());
    lines.add(
        String.format(
            Locale.ROOT,
            "- Work: %,d bars (synthetic OHLC, seed 7) × %d SMA pairs (fast %s × slow %s) ="
                + " %,d bar-evaluations per round per engine; single thread; %d warm-up round(s),"
                + " then %d measured rounds, the engines alternating within each round",
            bars,
            pairs,
            java.util.Arrays.toString(FAST),
            java.util.Arrays.toString(SLOW),
            (long) bars * pairs,
            warmup,
            rounds));
    lines.add(
        "- Both engines: long-only, signal on the close, fill at the next open, no costs; both"
            + " found the same "
            + trades
            + " trades in total (checked every round).");
    lines.add(
        "- Load average (1, 5, 15 min; the 2 cores are shared with other builds): " + load + ".");
    lines.add("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+):");
    lines.add("");
    lines.add("  ```sh");
    lines.add(
        "  ./mvnw -B -q -pl bench -am package -DskipTests && java -cp \"$(cat"
            + " bench/target/classpath.txt):bench/target/classes\""
            + " dev.simrun.bench.StrategyEngineBenchmark "
            + String.join(" ", args));
    lines.add("  ```");
    lines.add("");
    lines.add("## Results");
    lines.add("");
    lines.add("| Engine | median M bar-evals/s | min | max | vs ta4j |");
    lines.add("|---|---:|---:|---:|---:|");
    lines.add(
        String.format(
            Locale.ROOT,
            "| Baseline: ta4j 0.22.2, DoubleNum, `BarSeriesManager` + `TradeOnNextOpenModel` |"
                + " %.2f | %.2f | %.2f | 1 (baseline) |",
            theirMedian / 1e6,
            Stats.min(theirs, x -> x) / 1e6,
            Stats.max(theirs, x -> x) / 1e6));
    lines.add(
        String.format(
            Locale.ROOT,
            "| SimRun: `StrategyBacktestKind.runChunk`, 10 units | %.1f | %.1f | %.1f | **%.0f×** |",
            ourMedian / 1e6,
            Stats.min(ours, x -> x) / 1e6,
            Stats.max(ours, x -> x) / 1e6,
            ratio));
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "Goal: SimRun ≥ %.0f× ta4j per core (medians): **%s** (%.0f×).",
            GOAL,
            ratio >= GOAL ? "met" : "NOT met",
            ratio));
    lines.add("");
    lines.add("Every measured round, M bar-evals/s (SimRun / ta4j):");
    lines.add("");
    for (int i = 0; i < ours.size(); i++) {
      lines.add(
          String.format(
              Locale.ROOT,
              "- round %d: %.1f / %.2f",
              i + 1,
              ours.get(i) / 1e6,
              theirs.get(i) / 1e6));
    }
    Path out = Stats.resultsDir().resolve("strategy-engine.md");
    Files.createDirectories(out.getParent());
    Files.write(out, lines);
    System.out.println("wrote " + out);
    lines.forEach(System.out::println);
  }

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg where there is one. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** One uploaded dataset held in memory, as a worker's dataset cache would hold it. */
  private record OneDataset(Bars bars) implements Datasets {
    @Override
    public Optional<Info> info(String id) {
      return Optional.of(new Info(id, "BENCH", bars.size()));
    }

    @Override
    public Bars bars(String id) {
      return bars;
    }
  }
}
