/**
 * The {@code noop} simulation kind, for benchmarks only: one unit per requested unit, a chunk does
 * no work. It lives here, not in shared, so production never offers it; a benchmark puts this
 * module's classes on the api's and the worker's classpath to make it known there.
 */
package dev.simrun.bench.noop;
