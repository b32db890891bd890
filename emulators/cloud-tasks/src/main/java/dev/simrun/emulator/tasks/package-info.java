/**
 * A Cloud Tasks v2 emulator: {@link dev.simrun.emulator.tasks.CloudTasksEmulator} serves gRPC and
 * REST on one port (the shared {@code FrontDoor}, {@code GrpcCloudTasksService}, {@code
 * RestGateway}, both through {@code Operations}); the state sits under one lock in {@code
 * TaskQueues}, changed by {@code QueueAdmin}, {@code TaskAdmin}, {@code Attempts} (what is due,
 * what an outcome does) and {@code FaultsAndStats}; the {@code Dispatcher} pushes attempts over
 * HTTP with the shared {@code OidcIssuer}'s tokens, outside the lock.
 */
package dev.simrun.emulator.tasks;
