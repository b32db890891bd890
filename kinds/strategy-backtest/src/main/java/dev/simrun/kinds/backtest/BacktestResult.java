package dev.simrun.kinds.backtest;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The final result of a {@code strategy-backtest}.
 *
 * @param units how many units ran
 * @param leaderboard every unit's result, sorted by Sharpe ratio descending (null last), then unit
 *     index ascending; the first {@code equityCurves} carry their equity curve
 */
@Serdeable
public record BacktestResult(long units, List<BacktestUnitResult> leaderboard) {
  public BacktestResult {
    leaderboard = List.copyOf(leaderboard);
  }
}
