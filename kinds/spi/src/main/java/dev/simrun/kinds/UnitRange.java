package dev.simrun.kinds;

/** Units {@code [from, to)} of a simulation: the work of one chunk. */
public record UnitRange(long from, long to) {
  public UnitRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad unit range [" + from + ", " + to + ")");
    }
  }

  public long size() {
    return to - from;
  }
}
