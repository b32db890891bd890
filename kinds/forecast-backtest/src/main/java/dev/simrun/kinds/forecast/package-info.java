/**
 * The {@code forecast-backtest} simulation kind: forecasting agents walked forward over a daily
 * series, one unit per forecast day, their predictions combined into an ensemble at reduce. See
 * {@link dev.simrun.kinds.forecast.ForecastBacktestKind}.
 */
package dev.simrun.kinds.forecast;
