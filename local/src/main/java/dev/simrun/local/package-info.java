/**
 * What {@code ./simrun} runs on a developer's machine besides the services: a real PostgreSQL from
 * Maven Central binaries ({@link dev.simrun.local.LocalPostgres}) and the terminal client that
 * submits a simulation, follows its events and prints the result ({@link dev.simrun.local.Submit}).
 */
package dev.simrun.local;
