/**
 * Recovery: the reconciler that finds chunks whose Cloud Tasks task is gone (never created, deleted
 * after its retries, or lost with a dead worker) and dispatches them again under a new generation.
 */
package dev.simrun.shared.recovery;
