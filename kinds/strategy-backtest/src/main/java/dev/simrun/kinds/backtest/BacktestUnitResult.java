package dev.simrun.kinds.backtest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The metrics of one unit: one grid point on one symbol. See {@code docs/strategy-backtest.md} for
 * the formulas. A metric that is undefined (e.g. the win rate without closed trades) or not finite
 * is null: JSON has no NaN.
 *
 * @param unitIndex the unit's index: {@code symbolIndex * gridPoints + pointIndex}
 * @param symbol the symbol
 * @param params the grid point
 * @param trades the number of positions opened
 * @param totalReturn final equity minus 1
 * @param cagr compound annual growth rate
 * @param volatility annualized sample standard deviation of the per-bar returns
 * @param sharpe annualized mean over standard deviation of the per-bar returns; 0 when the
 *     deviation is 0
 * @param sortino annualized mean over downside deviation; null when there is no downside
 * @param maxDrawdown the largest peak-to-trough fall of equity, a positive fraction
 * @param calmar CAGR over max drawdown; null when there is no drawdown
 * @param winRate the fraction of closed trades that made money; null without closed trades
 * @param profitFactor gross profit over gross loss of closed trades; null without a loss
 * @param exposure the fraction of the evaluated bars that ended with a position
 * @param equityCurve the downsampled equity curve, for the leaderboard's top units only
 */
@Serdeable
public record BacktestUnitResult(
    long unitIndex,
    String symbol,
    GridPoint params,
    int trades,
    @Nullable Double totalReturn,
    @Nullable Double cagr,
    @Nullable Double volatility,
    @Nullable Double sharpe,
    @Nullable Double sortino,
    @Nullable Double maxDrawdown,
    @Nullable Double calmar,
    @Nullable Double winRate,
    @Nullable Double profitFactor,
    @Nullable Double exposure,
    @Nullable EquityCurve equityCurve) {

  static BacktestUnitResult of(long unitIndex, String symbol, GridPoint params, Engine.Metrics m) {
    return new BacktestUnitResult(
        unitIndex,
        symbol,
        params,
        m.trades(),
        m.totalReturn(),
        m.cagr(),
        m.volatility(),
        m.sharpe(),
        m.sortino(),
        m.maxDrawdown(),
        m.calmar(),
        m.winRate(),
        m.profitFactor(),
        m.exposure(),
        null);
  }

  BacktestUnitResult withEquityCurve(@Nullable EquityCurve curve) {
    return new BacktestUnitResult(
        unitIndex,
        symbol,
        params,
        trades,
        totalReturn,
        cagr,
        volatility,
        sharpe,
        sortino,
        maxDrawdown,
        calmar,
        winRate,
        profitFactor,
        exposure,
        curve);
  }
}
