/**
 * The {@code forecast-backtest} simulation kind: forecasting agents walked forward over a daily
 * series, one unit per forecast day, their predictions combined into an ensemble at reduce. See
 * {@link dev.simrun.shared.kinds.forecast.ForecastBacktestKind}.
 */
package dev.simrun.shared.kinds.forecast;
