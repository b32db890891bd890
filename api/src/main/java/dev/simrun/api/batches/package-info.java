/**
 * Batches: named lists of simulation templates with the policies of their runs (overlap, deadline,
 * failFastFirst), defined by operators, started by Cloud Scheduler or by hand, one run per trigger
 * key, and supervised until each run ends.
 */
package dev.simrun.api.batches;
