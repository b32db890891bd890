package dev.simrun.emulator.scheduler;

import java.time.Clock;
import java.time.Duration;

/**
 * How an emulator instance runs; built by {@link CloudSchedulerEmulator.Builder}.
 *
 * @param host the address to listen on (loopback by default)
 * @param port the port for gRPC and REST alike; 0 picks a free one
 * @param issuer the OIDC issuer URL written into tokens; null derives {@code http://host:port}
 * @param clock the clock schedules are read on; tests pass one they move by hand
 * @param minAttemptDeadline the shortest attempt deadline a job may ask for (15 s in Cloud
 *     Scheduler; tests may lower it)
 * @param randomSeed seeds generated job ids and fault injection, so a run can be repeated
 * @param faults faults injected into every job that has none of its own
 */
public record EmulatorSettings(
    String host,
    int port,
    String issuer,
    Clock clock,
    Duration minAttemptDeadline,
    long randomSeed,
    FaultPlan faults) {}
