package dev.simrun.kinds.climate;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The final result.
 *
 * @param units how many units the simulation has
 * @param sitePaths each site's AAL over the years, per scenario, sites first in the order given
 * @param portfolio per scenario and year: the sites' total AAL and the top sites
 * @param unitResults every unit, in unit order
 */
@Serdeable
public record ClimateResult(
    long units,
    List<SitePath> sitePaths,
    List<PortfolioYear> portfolio,
    List<ClimateUnitResult> unitResults) {

  /** A site's total AAL in each year of one scenario. */
  @Serdeable
  public record SitePath(String site, String scenario, List<Integer> years, List<Double> aal) {}

  /**
   * The portfolio in one scenario and year.
   *
   * @param totalAal the sum of the sites' AAL, in site order
   * @param assetValue the sum of the sites' asset values
   * @param topSites the sites with the largest AAL, largest first (ties by site order)
   */
  @Serdeable
  public record PortfolioYear(
      String scenario, int year, double totalAal, double assetValue, List<TopSite> topSites) {}

  @Serdeable
  public record TopSite(String site, double aal) {}
}
