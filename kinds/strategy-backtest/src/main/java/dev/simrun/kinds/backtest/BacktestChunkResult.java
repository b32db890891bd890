package dev.simrun.kinds.backtest;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The result of one chunk: its units' results in unit order.
 *
 * @param units one result per unit of the chunk
 */
@Serdeable
public record BacktestChunkResult(List<BacktestUnitResult> units) {
  public BacktestChunkResult {
    units = List.copyOf(units);
  }
}
