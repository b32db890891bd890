/**
 * Who may push: the filter that verifies the OIDC token Cloud Tasks attaches to every {@code
 * /tasks/**} request, the {@link dev.simrun.worker.auth.IdTokenVerifier} port with its
 * nimbus-jose-jwt adapter and configuration ({@code simrun.auth.*}), and {@link
 * dev.simrun.worker.auth.TaskDelivery}, what Cloud Tasks' headers say about the push.
 */
package dev.simrun.worker.auth;
