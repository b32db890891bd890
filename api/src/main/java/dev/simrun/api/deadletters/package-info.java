/** The dead-letter endpoints: list, read, replay and discard chunks that failed for good. */
package dev.simrun.api.deadletters;
