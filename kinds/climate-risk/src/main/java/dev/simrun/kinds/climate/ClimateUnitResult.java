package dev.simrun.kinds.climate;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * One unit's result: a site in a scenario and year, over all its paths.
 *
 * @param unit the unit's index
 * @param site the site's id
 * @param scenario the scenario
 * @param year the year
 * @param assetValue the site's asset value
 * @param aal average annual loss, all hazards: the sum of the hazards' AAL
 * @param aalStdError the standard error of {@code aal} (the paths' total losses)
 * @param var95 the 95% value at risk of the total annual loss (its empirical quantile)
 * @param var99 the 99% value at risk
 * @param es95 the 95% expected shortfall: the mean of the losses from the 95% quantile up
 * @param es99 the 99% expected shortfall
 * @param exceedance per loss threshold (a ratio of the asset value), the share of paths whose total
 *     annual loss is above it
 * @param hazards per hazard, in the order asked for
 */
@Serdeable
public record ClimateUnitResult(
    long unit,
    String site,
    String scenario,
    int year,
    double assetValue,
    double aal,
    double aalStdError,
    double var95,
    double var99,
    double es95,
    double es99,
    List<Double> exceedance,
    List<HazardResult> hazards) {

  /**
   * One hazard of a unit.
   *
   * @param hazard the hazard
   * @param exposure the asset value exposed: the site's value where the hazard's frequency is above
   *     0, else 0
   * @param frequency the Poisson frequency used, events per year
   * @param intensityMedian the median event intensity used (units per hazard: docs/climate-risk.md)
   * @param events the events simulated over all paths
   * @param vulnerability the mean damage ratio of the simulated events; null without events
   * @param aal the average annual loss
   * @param aalStdError its standard error
   */
  @Serdeable
  public record HazardResult(
      String hazard,
      double exposure,
      double frequency,
      double intensityMedian,
      long events,
      @Nullable Double vulnerability,
      double aal,
      double aalStdError) {}
}
