/**
 * Verifying the OIDC ID tokens that Google Cloud (Cloud Tasks, Cloud Scheduler) attaches to its
 * calls: the {@link dev.simrun.shared.auth.IdTokenVerifier} port, its nimbus-jose-jwt adapter and
 * its configuration ({@code simrun.auth.*}). Nothing here knows HTTP: a service's filter turns a
 * refusal into 401, 403 or 503.
 */
package dev.simrun.shared.auth;
