/**
 * A Cloud Scheduler v1 emulator: {@link dev.simrun.emulator.scheduler.CloudSchedulerEmulator}
 * serves gRPC ({@code GrpcCloudSchedulerService}) and REST ({@code RestGateway}) on one port
 * through the shared front door; every job sits under one lock in {@code Jobs}, checked by {@code
 * JobSpec} and scheduled by {@code Cron}; the {@code Dispatcher} pushes due attempts over HTTP with
 * the shared issuer's OIDC tokens, outside the lock.
 */
package dev.simrun.emulator.scheduler;
