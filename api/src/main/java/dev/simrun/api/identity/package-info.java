/**
 * Who is calling. Every request to {@code /api/**} carries an OIDC ID token ({@code Authorization:
 * Bearer}) from a {@link dev.simrun.api.identity.TrustedIssuer}, verified by Micronaut Security
 * against the issuer's JWKS; {@link dev.simrun.api.identity.CallerBinder} turns the verified issuer
 * and subject into the {@link dev.simrun.api.identity.Caller} the controllers scope everything by.
 */
package dev.simrun.api.identity;
