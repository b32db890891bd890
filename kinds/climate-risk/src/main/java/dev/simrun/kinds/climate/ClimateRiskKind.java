package dev.simrun.kinds.climate;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.ResultTable;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code climate-risk}: Monte Carlo physical climate risk of sites or regions under warming
 * scenarios. The model is written out in {@code docs/climate-risk.md}; in short:
 *
 * <h2>Units</h2>
 *
 * One unit is one (site, scenario, year); unit {@code u = (site · scenarios + scenario) · years +
 * year} ({@link ClimatePlan}). {@link ClimateValidation} checks the parameters against the limits
 * below.
 *
 * <h2>Model</h2>
 *
 * Per hazard, a path is one simulated year: a Poisson count of events whose frequency, and a
 * lognormal intensity whose median, come from the hazard table by hazard and latitude band, scaled
 * by the scenario's warming in that year; each event's damage ratio comes from the asset type's
 * vulnerability curve, and the year's loss is the ratios' sum times the asset value ({@link
 * UnitSimulation}). The tables are data ({@link ShippedTables}); a caller may replace or add rows.
 *
 * <h2>Randomness</h2>
 *
 * Keyed by (seed, site id, scenario, year, hazard, path), counter-based ({@link Streams}): a unit's
 * numbers depend on the parameters and the unit only, so the result is bit-identical for any
 * chunking, retry or crash.
 *
 * <h2>Result</h2>
 *
 * Every unit's exposure, vulnerability and AAL per hazard, its total AAL, VaR and expected
 * shortfall at 95% and 99%, and exceedance probabilities; each site's AAL path per scenario and the
 * portfolio per scenario and year ({@link ClimateReduce}).
 */
@Singleton
public final class ClimateRiskKind
    implements SimulationKind<ClimateParams, ClimateChunkResult, ClimateResult> {

  public static final String NAME = "climate-risk";

  public static final int MAX_SITES = 1_000;
  public static final String SITE_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
  public static final String ASSET_TYPE_PATTERN = "[a-z0-9-]{1,32}";
  public static final int MIN_YEAR = 2000;
  public static final int MAX_YEAR = 2200;
  public static final int MAX_YEARS = 201;
  public static final int MAX_PATHS = 5_000_000;
  public static final int MAX_THRESHOLDS = 20;
  public static final List<Double> DEFAULT_THRESHOLDS = List.of(0.001, 0.01, 0.05, 0.1);
  public static final long MAX_UNITS = 100_000L;

  /** The most units × hazards × paths (hazard-path-years) one simulation may ask for. */
  public static final long MAX_WORK = 20_000_000_000L;

  /** Events per year a hazard table row may give; also bounds the Poisson table (255 counts). */
  public static final double MAX_FREQUENCY = 50;

  public static final int MAX_CURVES = 200;
  public static final int MAX_CURVE_POINTS = 50;

  /** The sites each portfolio year lists. */
  public static final int TOP_SITES = 5;

  /**
   * CPU time of one hazard-path-year on one core of this 2-core machine with the shipped tables
   * (bench/results/climate-risk.md), and of one path's tail statistics: the planner sizes chunks
   * from them.
   */
  static final double NANOS_PER_HAZARD_PATH = 15;

  static final double NANOS_PER_PATH = 15;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<ClimateParams> paramsType() {
    return ClimateParams.class;
  }

  @Override
  public Class<ClimateChunkResult> chunkResultType() {
    return ClimateChunkResult.class;
  }

  @Override
  public Class<ClimateResult> resultType() {
    return ClimateResult.class;
  }

  @Override
  public List<FieldError> validate(ClimateParams params) {
    return ClimateValidation.errors(params);
  }

  @Override
  public long unitCount(ClimateParams params) {
    return ClimatePlan.of(params).units();
  }

  @Override
  public UnitCost unitCost(ClimateParams params) {
    ClimatePlan plan = ClimatePlan.of(params);
    double nanos = plan.paths * (plan.hazards.length * NANOS_PER_HAZARD_PATH + NANOS_PER_PATH);
    return UnitCost.cpu(Math.round(nanos));
  }

  /** One tropical and one temperate site, every hazard, two scenarios, two years, 20,000 paths. */
  @Override
  public List<String> warmUpParams() {
    return List.of(
        "{\"sites\": [{\"id\": \"warm-1\", \"latitude\": 10, \"longitude\": 100, \"assetValue\":"
            + " 1e6, \"assetType\": \"residential\"}, {\"id\": \"warm-2\", \"latitude\": 45,"
            + " \"longitude\": 9, \"assetValue\": 1e6, \"assetType\": \"industrial\"}],"
            + " \"scenarios\": [\"SSP1-2.6\", \"SSP5-8.5\"], \"years\": {\"values\": [2030,"
            + " 2090]}, \"paths\": 20000, \"seed\": 1}");
  }

  @Override
  public ClimateChunkResult runChunk(ClimateParams params, UnitRange range, ChunkContext context) {
    ClimatePlan plan = ClimatePlan.of(params);
    if (range.to() > plan.units()) {
      throw new IllegalArgumentException(
          "unit range " + range + " is beyond the " + plan.units() + " units");
    }
    UnitSimulation simulation = new UnitSimulation(plan);
    List<ClimateUnitResult> units = new ArrayList<>((int) range.size());
    for (long u = range.from(); u < range.to(); u++) {
      if (context.cancelled()) {
        throw new ChunkCancelledException();
      }
      ClimateUnitResult result = simulation.run(u);
      units.add(result);
      context.progress(
          (double) (u + 1 - range.from()) / range.size(),
          Map.of("site", result.site(), "scenario", result.scenario(), "year", result.year()));
    }
    return new ClimateChunkResult(units);
  }

  /**
   * Concatenates the chunks' units and derives the site paths and the portfolio.
   *
   * @throws IllegalArgumentException unless the chunks hold each unit exactly once, in order
   */
  @Override
  public ClimateResult reduce(ClimateParams params, List<ClimateChunkResult> chunkResults) {
    return ClimateReduce.reduce(ClimatePlan.of(params), chunkResults);
  }

  @Override
  public Optional<ResultTable> table(ClimateParams params, ClimateResult result) {
    return Optional.of(ClimateReduce.table(ClimatePlan.of(params), result));
  }

  @Override
  public Map<String, Object> summary(ClimateResult result) {
    return ClimateReduce.summary(result);
  }
}
