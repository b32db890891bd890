package dev.simrun.shared.kinds.backtest;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The metrics of one unit: one strategy configuration on one symbol.
 *
 * @param unitIndex the unit's index: {@code symbolIndex * pairCount + pairIndex}
 * @param symbol the symbol
 * @param fast the fast SMA window in bars
 * @param slow the slow SMA window in bars
 * @param trades the number of entries (flat to long)
 * @param totalReturn compounded equity at the end minus 1
 * @param maxDrawdown the largest peak-to-trough fall of equity, as a positive fraction
 * @param sharpe mean over sample standard deviation of the per-bar returns, times sqrt(252); 0 when
 *     the deviation is 0
 */
@Serdeable
public record BacktestUnitResult(
    long unitIndex,
    String symbol,
    int fast,
    int slow,
    int trades,
    double totalReturn,
    double maxDrawdown,
    double sharpe) {}
