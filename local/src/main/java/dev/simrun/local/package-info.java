/**
 * What {@code ./simrun} runs on one machine besides the services: the embedded PostgreSQL launcher
 * and the client that submits a request, uploads its datasets and follows its progress.
 */
package dev.simrun.local;
