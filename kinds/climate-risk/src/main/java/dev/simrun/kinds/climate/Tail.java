package dev.simrun.kinds.climate;

/**
 * Value at risk and expected shortfall of an empirical distribution at a level q: with the n losses
 * sorted ascending and k = ⌈q·n⌉, VaR is the k-th (1-based) and ES the mean of the k-th to the n-th
 * ({@link Tails} computes them).
 */
record Tail(double valueAtRisk, double expectedShortfall) {}
