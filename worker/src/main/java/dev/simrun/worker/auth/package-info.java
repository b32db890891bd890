/**
 * Who may push: the filter that verifies, with {@link
 * dev.simrun.shared.serviceauth.IdTokenVerifier}, the OIDC token Cloud Tasks attaches to every
 * {@code /tasks/**} request, and {@link dev.simrun.worker.auth.TaskDelivery}, what Cloud Tasks'
 * headers say about the push.
 */
package dev.simrun.worker.auth;
