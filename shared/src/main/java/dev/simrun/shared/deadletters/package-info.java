/**
 * Dead letters: chunks that failed for good, how they are recorded, published, listed, replayed and
 * discarded.
 */
package dev.simrun.shared.deadletters;
