/**
 * {@code /api/v1/simulations}: submit a simulation (validated against its kind, stored with its
 * chunks and outbox rows in one transaction, idempotent per owner and key), read one, list them,
 * fetch the result.
 */
package dev.simrun.api.simulations;
