package dev.simrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.ToDoubleFunction;

/** Medians, extremes and percentiles for reports, and where reports go. */
final class Stats {
  private Stats() {}

  static <T> double median(Collection<T> runs, ToDoubleFunction<T> value) {
    return median(runs.stream().mapToDouble(value).toArray());
  }

  /** The median of the values that are numbers (the mean of the middle two of an even count). */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static <T> double min(Collection<T> runs, ToDoubleFunction<T> value) {
    return runs.stream().mapToDouble(value).min().orElse(Double.NaN);
  }

  static <T> double max(Collection<T> runs, ToDoubleFunction<T> value) {
    return runs.stream().mapToDouble(value).max().orElse(Double.NaN);
  }

  /** Nearest-rank percentile ({@code p} in 0..100) of unsorted values; NaN when there are none. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  static String isoSeconds(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(
        instant.atOffset(ZoneOffset.UTC).withNano(0).toInstant());
  }

  /** {@code bench/results} from the repository root, or {@code results} from inside bench. */
  static Path resultsDir() {
    Path bench = Path.of("bench");
    if (Files.isDirectory(bench.resolve("src"))) {
      return bench.resolve("results");
    }
    return Path.of("results");
  }

  /** Where the services' logs and profiles of one run go: {@code bench/target/runs/<name>-<ts>}. */
  static Path runDir(String name, Instant started) {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started.atOffset(ZoneOffset.UTC));
    return ServiceProcess.benchClasses().getParent().resolve("runs").resolve(name + "-" + stamp);
  }
}
