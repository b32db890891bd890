/**
 * The {@code climate-risk} simulation kind: Monte Carlo physical climate risk of sites or regions,
 * one unit per (site, scenario, year). See {@link dev.simrun.kinds.climate.ClimateRiskKind}.
 */
package dev.simrun.kinds.climate;
