package dev.simrun.kinds.backtest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * The target positions of one unit, read by {@link FusedEngine} a run of bars at a time: either
 * written out by {@link Strategy#signals} or, for crossovers, read straight from the two averages
 * so that no per-bar array is written.
 */
sealed interface Signal {

  /** The target position after bar {@code t}'s close: 1, 0 or -1. */
  int at(int t);

  /**
   * The first {@code t} in {@code [from, to)} whose position is not {@code position}, or {@code
   * to}.
   */
  int firstChange(int from, int to, int position);

  /**
   * This signal readable at every bar: itself, unless it reads indicators a block at a time (for
   * the rare unit that {@link FusedEngine} runs again after all its blocks).
   */
  default Signal whole() {
    return this;
  }

  /** The positions written out in {@code positions}. */
  static Signal of(byte[] positions) {
    return new Written(positions);
  }

  /** Long while {@code fast > slow}, short (flat in long-only) while below, flat when equal. */
  static Signal crossover(double[] fast, double[] slow, boolean longShort) {
    return new Crossover(IndicatorBlock.whole(fast), IndicatorBlock.whole(slow), longShort, null);
  }

  /**
   * A crossover of averages held a block at a time; {@code whole} makes the same crossover over the
   * whole series.
   */
  static Signal crossover(
      IndicatorBlock fast, IndicatorBlock slow, boolean longShort, Supplier<Signal> whole) {
    return new Crossover(fast, slow, longShort, whole);
  }

  /** Positions in a byte array, compared 8 at a time. */
  record Written(byte[] positions) implements Signal {
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    @Override
    public int at(int t) {
      return positions[t];
    }

    @Override
    public int firstChange(int from, int to, int position) {
      long same = (position & 0xFFL) * 0x0101010101010101L;
      int t = from;
      for (; t + Long.BYTES <= to; t += Long.BYTES) {
        long diff = (long) LONGS.get(positions, t) ^ same;
        if (diff != 0) {
          return t + (Long.numberOfTrailingZeros(diff) >>> 3);
        }
      }
      for (; t < to; t++) {
        if (positions[t] != position) {
          return t;
        }
      }
      return to;
    }
  }

  /** The crossover of two averages, defined where both are. */
  record Crossover(
      IndicatorBlock fast, IndicatorBlock slow, boolean longShort, Supplier<Signal> wholeSignal)
      implements Signal {

    @Override
    public Signal whole() {
      return wholeSignal == null ? this : wholeSignal.get();
    }

    @Override
    public int at(int t) {
      double f = fast.values[t - fast.base];
      double s = slow.values[t - slow.base];
      return f > s ? 1 : (f < s && longShort ? -1 : 0);
    }

    @Override
    public int firstChange(int from, int to, int position) {
      double[] f = fast.values;
      double[] s = slow.values;
      // The two blocks may start at different bars (one may be the whole series).
      int shift = fast.base - slow.base;
      int t = from - fast.base;
      int end = to - fast.base;
      if (position > 0) {
        while (t < end && f[t] > s[t + shift]) {
          t++;
        }
      } else if (position < 0) {
        while (longShort && t < end && f[t] < s[t + shift]) {
          t++;
        }
      } else if (longShort) {
        while (t < end && f[t] == s[t + shift]) {
          t++;
        }
      } else {
        while (t < end && !(f[t] > s[t + shift])) {
          t++;
        }
      }
      return t + fast.base;
    }
  }
}
