package dev.simrun.kinds.climate;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The parameters of a {@code climate-risk} simulation, e.g.
 *
 * <pre>{@code
 * {"sites": [{"id": "plant-1", "latitude": 45.4, "longitude": 9.2, "assetValue": 2.5e8,
 *             "assetType": "industrial"}],
 *  "scenarios": ["SSP1-2.6", "SSP5-8.5"],
 *  "years": {"from": 2025, "to": 2100, "step": 5},
 *  "hazards": ["flood", "extreme-heat"], "paths": 10000, "seed": 42,
 *  "lossThresholds": [0.01, 0.05]}
 * }</pre>
 *
 * <p>Every component is nullable so that a request missing a part still parses and {@link
 * ClimateRiskKind#validate} can name the missing field. See {@code docs/climate-risk.md}.
 *
 * @param sites the sites or regions, each one asset value of one asset type at one place
 * @param scenarios the warming scenarios, of {@link Scenarios#IDS}
 * @param years the years to simulate
 * @param hazards the hazards, of {@link Hazards#IDS}; all of them when left out
 * @param paths Monte Carlo paths (simulated years) per unit
 * @param seed what every random number derives from; 0 when left out
 * @param lossThresholds ratios of the asset value whose annual exceedance probability each unit
 *     reports; {@link ClimateRiskKind#DEFAULT_THRESHOLDS} when left out
 * @param tables rows replacing or adding to the shipped hazard and vulnerability tables; optional
 */
@Serdeable
public record ClimateParams(
    @Nullable List<Site> sites,
    @Nullable List<String> scenarios,
    @Nullable Years years,
    @Nullable List<String> hazards,
    @Nullable Integer paths,
    @Nullable Long seed,
    @Nullable List<Double> lossThresholds,
    @Nullable Tables tables) {

  @Creator
  public ClimateParams {}

  /**
   * One site or region.
   *
   * @param id unique within the simulation; part of the random-number key
   * @param latitude degrees north, -90..90: decides the latitude band of the hazard table
   * @param longitude degrees east, -180..180 (reported, not modelled)
   * @param assetValue the value at risk, in the caller's currency
   * @param assetType which vulnerability curves apply, e.g. {@code residential}
   */
  @Serdeable
  public record Site(
      @Nullable String id,
      @Nullable Double latitude,
      @Nullable Double longitude,
      @Nullable Double assetValue,
      @Nullable String assetType) {}

  /**
   * The years: either {@code values} (ascending) or {@code from}, {@code to} and {@code step}
   * (default 1), both ends included when the steps reach them.
   */
  @Serdeable
  public record Years(
      @Nullable List<Integer> values,
      @Nullable Integer from,
      @Nullable Integer to,
      @Nullable Integer step) {}

  /** Caller-given table rows; each replaces the shipped row with the same key or adds one. */
  @Serdeable
  public record Tables(@Nullable List<HazardRow> hazards, @Nullable List<CurveRow> vulnerability) {}

  /**
   * One row of the hazard table (units in {@code docs/climate-risk.md}).
   *
   * @param hazard the hazard
   * @param band the latitude band, of {@link Bands#IDS}
   * @param frequency events per year at the 2020 warming
   * @param frequencyPerDegree relative change of the frequency per degree C of further warming
   * @param intensityMedian the median intensity of an event at the 2020 warming
   * @param intensitySigma the standard deviation of the logarithm of the intensity
   * @param intensityPerDegree relative change of the median per degree C of further warming
   */
  @Serdeable
  public record HazardRow(
      @Nullable String hazard,
      @Nullable String band,
      @Nullable Double frequency,
      @Nullable Double frequencyPerDegree,
      @Nullable Double intensityMedian,
      @Nullable Double intensitySigma,
      @Nullable Double intensityPerDegree) {}

  /**
   * One vulnerability curve: the damage ratio of one event of an asset type by intensity, in one of
   * the families of {@link Curve}.
   *
   * @param family {@code piecewise}, {@code logistic} or {@code emanuel}
   * @param cap the largest damage ratio (logistic, emanuel)
   * @param midpoint the intensity at half the cap (logistic)
   * @param steepness the logistic slope, per intensity unit (logistic)
   * @param threshold the intensity below which there is no damage (emanuel)
   * @param halfDamage the intensity at half the cap (emanuel)
   * @param intensity the points' intensities, ascending (piecewise)
   * @param damage the points' damage ratios, not decreasing (piecewise)
   */
  @Serdeable
  public record CurveRow(
      @Nullable String assetType,
      @Nullable String hazard,
      @Nullable String family,
      @Nullable Double cap,
      @Nullable Double midpoint,
      @Nullable Double steepness,
      @Nullable Double threshold,
      @Nullable Double halfDamage,
      @Nullable List<Double> intensity,
      @Nullable List<Double> damage) {}
}
