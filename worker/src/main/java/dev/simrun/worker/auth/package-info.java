/**
 * Who may push: the filter that verifies the OIDC token on every {@code /tasks/**} request with
 * {@link dev.simrun.shared.auth.IdTokenVerifier}, and {@link dev.simrun.worker.auth.TaskDelivery},
 * what Cloud Tasks' headers say about the push.
 */
package dev.simrun.worker.auth;
