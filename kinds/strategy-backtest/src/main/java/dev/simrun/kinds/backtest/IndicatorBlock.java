package dev.simrun.kinds.backtest;

/**
 * The values of an indicator over a stretch of bars: bar {@code t}'s value is {@code values[t -
 * base]}. Either the whole series ({@code base} 0) or, while units take turns over blocks of bars,
 * the current block and the bar before it, refilled block by block (see {@link RollingSma}).
 */
class IndicatorBlock {
  double[] values;
  int base;

  IndicatorBlock(double[] values, int base) {
    this.values = values;
    this.base = base;
  }

  /** The whole series. */
  static IndicatorBlock whole(double[] values) {
    return new IndicatorBlock(values, 0);
  }

  /** Computes the bars from the last computed one up to {@code limit} (exclusive); no-op here. */
  void advanceTo(int limit) {}
}
