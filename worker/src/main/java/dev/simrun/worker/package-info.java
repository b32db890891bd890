/**
 * The worker service. Cloud Tasks pushes one HTTP request per chunk ({@code chunks}) and one per
 * finished simulation ({@code finalize}); every push carries an OIDC token that {@code auth}
 * verifies first. Answers follow Cloud Tasks' contract: 2xx is done (also for duplicates and lost
 * races), 409 and 5xx are retried with backoff.
 */
package dev.simrun.worker;
