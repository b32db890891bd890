package dev.simrun.kinds.climate;

import java.nio.charset.StandardCharsets;

/**
 * Counter-based random numbers: the {@code i}-th draw of a stream with key {@code k} is {@code
 * mix(k + i·γ)}, SplitMix64's output function over a Weyl sequence, so any draw of any stream is
 * computed directly, without state shared between streams. A unit's hazard has its key from (seed,
 * site id, scenario, year, hazard), and each of its paths a key from that and the path's number;
 * the path's key is itself its first uniform (the year's event count), and draw {@code i ≥ 1} of
 * the path, {@code mix(pathKey + (1 + i)·γ)}, its i-th event's intensity. What a path draws never
 * depends on the chunk, the thread, another path or another hazard.
 */
final class Streams {
  static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

  private Streams() {}

  /** SplitMix64's output function (Stafford's variant 13): a bijection that mixes every bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit hash of a name: FNV-1a over its UTF-8 bytes, then mixed. */
  static long hash(String name) {
    long h = 0xCBF29CE484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001B3L;
    }
    return mix(h);
  }

  /** The key of one hazard of one unit. */
  static long hazardKey(long seed, String site, String scenario, int year, String hazard) {
    long k = mix(seed ^ 0x5EED5EED5EED5EEDL);
    k = mix(k ^ hash(site));
    k = mix(k ^ hash(scenario));
    k = mix(k + year);
    return mix(k ^ hash(hazard));
  }

  /** The key of path {@code path} (0-based) within a hazard's stream. */
  static long pathKey(long hazardKey, int path) {
    return mix(hazardKey + (path + 1L) * GAMMA);
  }

  /** A mixed 64-bit value (a path's key, say) as a uniform in [0, 1). */
  static double uniformOf(long mixed) {
    return (mixed >>> 11) * TWO_TO_MINUS_53;
  }

  /** The draw at a counter ({@code pathKey + (1 + i)·γ}) as a uniform in (0, 1): never 0 or 1. */
  static double openUniformOf(long counter) {
    return ((mix(counter) >>> 11) + 0.5) * TWO_TO_MINUS_53;
  }
}
