/**
 * Service identities: the OIDC ID tokens Google attaches for a service account (Cloud Tasks' pushes
 * to the worker, Cloud Scheduler's batch triggers to the api), verified against the issuer's keys.
 */
package dev.simrun.shared.serviceauth;
