/** Runnable benchmarks. Each writes its results under {@code bench/results}. */
package dev.simrun.bench;
