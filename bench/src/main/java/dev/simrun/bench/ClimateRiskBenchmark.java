package dev.simrun.bench;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.UnitRange;
import dev.simrun.kinds.climate.ClimateChunkResult;
import dev.simrun.kinds.climate.ClimateParams;
import dev.simrun.kinds.climate.ClimateRiskKind;
import dev.simrun.kinds.climate.ClimateUnitResult;
import io.micronaut.serde.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The climate-risk kind against a vectorized NumPy implementation of the same model on the same
 * inputs ({@code bench/python/climate_risk_numpy.py}, which reads the kind's shipped tables), one
 * thread each, in the same run: the first R regions of the screening example ({@code
 * examples/climate-risk-screening.json}: every scenario, 16 years, 9 hazards, 10,000 paths). Ours
 * runs as a worker runs it: {@code ClimateRiskKind.runChunk} over every unit. NumPy runs in a
 * Python process started once, with {@code OMP_NUM_THREADS=1} and {@code OPENBLAS_NUM_THREADS=1},
 * told to run each round over stdin; the two alternate within a round, which one goes first
 * alternating between rounds. The unit is hazard-path-years per second (units × hazards × paths /
 * time).
 *
 * <p>The two draw different random numbers, so they must agree in distribution: per unit, the total
 * AAL of each differs by z = Δ / √(se₁² + se₂²); the benchmark fails unless the portfolio's summed
 * AAL agrees within 4 standard errors and at most 1% of units have |z| > 4.
 *
 * <p>Usage: {@code ClimateRiskBenchmark [--regions=N] [--rounds=R] [--warmup=W]} (20 regions, 5
 * measured rounds, 1 warm-up round by default).
 */
public final class ClimateRiskBenchmark {
  private static final double GOAL = 2.0;

  private ClimateRiskBenchmark() {}

  public static void main(String[] args) throws Exception {
    int regions = 20;
    int rounds = 5;
    int warmup = 1;
    for (String arg : args) {
      if (arg.startsWith("--regions=")) {
        regions = Integer.parseInt(arg.substring("--regions=".length()));
      } else if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--warmup=")) {
        warmup = Integer.parseInt(arg.substring("--warmup=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    ObjectMapper json = ObjectMapper.getDefault();
    @SuppressWarnings("unchecked")
    Map<String, Object> body =
        json.readValue(
            Files.readAllBytes(Path.of("examples/climate-risk-screening.json")), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> paramsJson = new LinkedHashMap<>((Map<String, Object>) body.get("params"));
    List<?> sites = (List<?>) paramsJson.get("sites");
    paramsJson.put("sites", sites.subList(0, Math.min(regions, sites.size())));
    byte[] paramsBytes = json.writeValueAsBytes(paramsJson);
    ClimateParams params = json.readValue(paramsBytes, ClimateParams.class);
    ClimateRiskKind kind = new ClimateRiskKind();
    if (!kind.validate(params).isEmpty()) {
      throw new IllegalStateException(kind.validate(params).toString());
    }
    int units = (int) kind.unitCount(params);
    int hazards = 9;
    long work = (long) units * hazards * params.paths();
    Path paramsFile = Files.createTempFile("climate-bench", ".json");
    Files.write(paramsFile, paramsBytes);

    ProcessBuilder pb =
        new ProcessBuilder("python3", "bench/python/climate_risk_numpy.py", paramsFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.environment().put("MKL_NUM_THREADS", "1");
    Process python = pb.start();
    Writer toPython = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8);
    BufferedReader fromPython =
        new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));

    String loadBefore = Machine.loadAverage();
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    ClimateChunkResult result = null;
    for (int round = 1 - warmup; round <= rounds; round++) {
      double ourSeconds = 0;
      double theirSeconds = 0;
      for (int turn = 0; turn < 2; turn++) {
        boolean javaTurn = (turn == 0) == (Math.floorMod(round, 2) == 0);
        if (javaTurn) {
          long t0 = System.nanoTime();
          result = kind.runChunk(params, new UnitRange(0, units), ChunkContext.NONE);
          ourSeconds = (System.nanoTime() - t0) / 1e9;
        } else {
          toPython.write("round\n");
          toPython.flush();
          Map<?, ?> answer = json.readValue(fromPython.readLine(), Map.class);
          theirSeconds = ((Number) answer.get("seconds")).doubleValue();
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s round %d: SimRun %.1f M hazard-path-years/s (%.3f s), NumPy %.1f M/s (%.3f s)%n",
          round <= 0 ? "warm-up" : "measured",
          round,
          work / ourSeconds / 1e6,
          ourSeconds,
          work / theirSeconds / 1e6,
          theirSeconds);
      if (round > 0) {
        ours.add(work / ourSeconds);
        theirs.add(work / theirSeconds);
      }
    }
    toPython.write("results\n");
    toPython.flush();
    Map<?, ?> numpy = json.readValue(fromPython.readLine(), Map.class);
    toPython.write("quit\n");
    toPython.flush();
    python.waitFor();
    Files.deleteIfExists(paramsFile);
    String load = "before " + loadBefore + ", after " + Machine.loadAverage();
    Agreement agreement = Agreement.of(result.units(), (List<?>) numpy.get("units"));
    write(
        regions, units, params.paths(), warmup, rounds, ours, theirs, agreement, load, numpy, args);
    if (!agreement.agrees()) {
      throw new IllegalStateException("the implementations disagree: " + agreement);
    }
  }

  /** How the two sides' total AALs compare, unit by unit and summed. */
  record Agreement(
      double ourTotal,
      double theirTotal,
      double sumZ,
      double maxAbsZ,
      int above3,
      int above4,
      int units) {

    static Agreement of(List<ClimateUnitResult> ours, List<?> theirs) {
      double a = 0;
      double b = 0;
      double varA = 0;
      double varB = 0;
      double maxZ = 0;
      int above3 = 0;
      int above4 = 0;
      for (int i = 0; i < ours.size(); i++) {
        ClimateUnitResult u = ours.get(i);
        List<?> t = (List<?>) theirs.get(i);
        double aal = ((Number) t.get(0)).doubleValue();
        double se = ((Number) t.get(1)).doubleValue();
        a += u.aal();
        b += aal;
        varA += u.aalStdError() * u.aalStdError();
        varB += se * se;
        double sd = Math.sqrt(u.aalStdError() * u.aalStdError() + se * se);
        double z = sd == 0 ? (u.aal() == aal ? 0 : Double.POSITIVE_INFINITY) : (u.aal() - aal) / sd;
        maxZ = Math.max(maxZ, Math.abs(z));
        above3 += Math.abs(z) > 3 ? 1 : 0;
        above4 += Math.abs(z) > 4 ? 1 : 0;
      }
      return new Agreement(
          a, b, (a - b) / Math.sqrt(varA + varB), maxZ, above3, above4, ours.size());
    }

    boolean agrees() {
      return Math.abs(sumZ) < 4 && above4 <= units / 100;
    }
  }

  private static void write(
      int regions,
      int units,
      int paths,
      int warmup,
      int rounds,
      List<Double> ours,
      List<Double> theirs,
      Agreement agreement,
      String load,
      Map<?, ?> numpy,
      String[] args)
      throws IOException {
    double ourMedian = Stats.median(ours, x -> x);
    double theirMedian = Stats.median(theirs, x -> x);
    double ratio = ourMedian / theirMedian;
    List<String> lines = new ArrayList<>();
    lines.add("# Climate risk: SimRun vs NumPy, the same model on the same inputs");
    lines.add("");
    lines.add("Benchmark: `dev.simrun.bench.ClimateRiskBenchmark` (see `bench/README.md`).");
    lines.add("");
    lines.add("- Date: " + Stats.isoSeconds(Instant.now()));
    lines.add("- Code: " + Machine.revision());
    lines.addAll(Machine.describe());
    lines.add(
        "- Python: NumPy " + numpy.get("numpy") + ", `OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`");
    lines.add(
        String.format(
            Locale.ROOT,
            "- Work: the first %d regions of `examples/climate-risk-screening.json` × 4 scenarios ×"
                + " 16 years = %,d units × 9 hazards × %,d paths = %,d hazard-path-years per round"
                + " per side; single thread each; %d warm-up round(s), then %d measured rounds,"
                + " the two alternating within each round (which goes first alternating too)",
            regions,
            units,
            paths,
            (long) units * 9 * paths,
            warmup,
            rounds));
    lines.add(
        String.format(
            Locale.ROOT,
            "- Agreement (different random numbers, so in distribution): summed AAL SimRun %.6g,"
                + " NumPy %.6g, z = %.2f; per unit |z| > 3 for %d and > 4 for %d of %d units (max"
                + " %.2f); required: |z| of the sum < 4 and at most 1%% of units above 4: **%s**",
            agreement.ourTotal(),
            agreement.theirTotal(),
            agreement.sumZ(),
            agreement.above3(),
            agreement.above4(),
            agreement.units(),
            agreement.maxAbsZ(),
            agreement.agrees() ? "agree" : "DISAGREE"));
    lines.add(
        "- Load average (1, 5, 15 min; the 2 cores are shared with other builds): " + load + ".");
    lines.add(
        "- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+, `python3` with NumPy):");
    lines.add("");
    lines.add("  ```sh");
    lines.add(
        "  ./mvnw -B -q -pl bench -am package -DskipTests && java -cp \"$(cat"
            + " bench/target/classpath.txt):bench/target/classes\""
            + " dev.simrun.bench.ClimateRiskBenchmark "
            + String.join(" ", args));
    lines.add("  ```");
    lines.add("");
    lines.add("  or `./simrun bench climate " + String.join(" ", args) + "`.");
    lines.add("");
    lines.add("## Results");
    lines.add("");
    lines.add("| Implementation | median M hazard-path-years/s | min | max | vs NumPy |");
    lines.add("|---|---:|---:|---:|---:|");
    lines.add(
        String.format(
            Locale.ROOT,
            "| Baseline: NumPy, vectorized per unit and hazard (`bench/python/climate_risk_numpy.py`)"
                + " | %.2f | %.2f | %.2f | 1 (baseline) |",
            theirMedian / 1e6,
            Stats.min(theirs, x -> x) / 1e6,
            Stats.max(theirs, x -> x) / 1e6));
    lines.add(
        String.format(
            Locale.ROOT,
            "| SimRun: `ClimateRiskKind.runChunk`, %d units | %.2f | %.2f | %.2f | **%.2f×** |",
            units,
            ourMedian / 1e6,
            Stats.min(ours, x -> x) / 1e6,
            Stats.max(ours, x -> x) / 1e6,
            ratio));
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "Goal: SimRun ≥ %.0f× NumPy per core (medians): **%s** (%.2f×).",
            GOAL,
            ratio >= GOAL ? "met" : "NOT met",
            ratio));
    lines.add("");
    lines.add("Every measured round, M hazard-path-years/s (SimRun / NumPy):");
    lines.add("");
    for (int i = 0; i < ours.size(); i++) {
      lines.add(
          String.format(
              Locale.ROOT,
              "- round %d: %.2f / %.2f",
              i + 1,
              ours.get(i) / 1e6,
              theirs.get(i) / 1e6));
    }
    Path out = Stats.resultsDir().resolve("climate-risk.md");
    Files.createDirectories(out.getParent());
    Files.write(out, lines);
    System.out.println("wrote " + out);
    lines.forEach(System.out::println);
  }
}
