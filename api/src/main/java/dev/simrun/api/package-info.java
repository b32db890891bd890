/**
 * The SimRun api service: accepts simulations, stores them with their chunks and outbox rows, and
 * has an outbox pump create one Cloud Tasks task per chunk. Organised by feature: {@code
 * simulations}, {@code dispatch}, {@code identity}, {@code problems}.
 */
package dev.simrun.api;
