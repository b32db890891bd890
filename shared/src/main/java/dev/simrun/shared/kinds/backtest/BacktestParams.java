package dev.simrun.shared.kinds.backtest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The parameters of a {@code strategy-backtest}, e.g.
 *
 * <pre>{@code
 * {"data": {"synthetic": {"symbols": ["AAA", "BBB"], "bars": 100000, "seed": 42}},
 *  "strategy": "sma-crossover",
 *  "grid": {"fast": [5, 10, 20], "slow": [50, 100]},
 *  "costs": {"commissionBps": 1.0, "slippageBps": 0.5}}
 * }</pre>
 *
 * <p>Every component is nullable so that a request missing a part still parses and {@link
 * StrategyBacktestKind#validate} can name the missing field. {@code costs} (and each of its fields)
 * is optional and defaults to 0.
 *
 * @param data where the prices come from
 * @param strategy the strategy's name; {@value StrategyBacktestKind#SMA_CROSSOVER} is the only one
 * @param grid the strategy parameters to sweep
 * @param costs trading costs; optional
 */
@Serdeable
public record BacktestParams(
    @Nullable Data data, @Nullable String strategy, @Nullable Grid grid, @Nullable Costs costs) {

  /**
   * The price data: exactly one source, generated ({@code synthetic}) or an uploaded dataset's
   * closes ({@code {"dataset": "<id>"}}, one series named after the dataset).
   */
  @Serdeable
  public record Data(@Nullable Synthetic synthetic, @Nullable String dataset) {}

  /**
   * Generated prices (see {@link SyntheticPrices}).
   *
   * @param symbols the symbols to generate, one series each
   * @param bars the length of each series
   * @param seed the seed every series derives from
   */
  @Serdeable
  public record Synthetic(
      @Nullable List<String> symbols, @Nullable Integer bars, @Nullable Long seed) {}

  /**
   * The SMA-crossover windows (in bars) to sweep; each (fast, slow) pair with {@code fast < slow}
   * is one grid point.
   */
  @Serdeable
  public record Grid(@Nullable List<Integer> fast, @Nullable List<Integer> slow) {}

  /**
   * Costs in basis points of traded value, charged on every position change (entry or exit).
   * Missing values are 0.
   */
  @Serdeable
  public record Costs(@Nullable Double commissionBps, @Nullable Double slippageBps) {}
}
