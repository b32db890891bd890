/**
 * The {@code strategy-backtest} simulation kind: trading strategies run over price series, one unit
 * per (symbol, parameter grid point). See {@link dev.simrun.kinds.backtest.StrategyBacktestKind}.
 */
package dev.simrun.kinds.backtest;
