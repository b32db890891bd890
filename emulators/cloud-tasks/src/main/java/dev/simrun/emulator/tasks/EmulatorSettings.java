package dev.simrun.emulator.tasks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How an emulator instance runs; built by {@link CloudTasksEmulator.Builder}.
 *
 * @param host the address to listen on (loopback by default)
 * @param port the port for gRPC and REST alike; 0 picks a free one
 * @param issuer the OIDC issuer URL written into tokens; null derives {@code http://host:port}
 * @param clock the clock that schedules tasks; tests pass one they move by hand
 * @param taskNameReservation how long the name of a deleted or executed task stays taken
 * @param minDispatchDeadline the shortest dispatch deadline a task may ask for (15 s in Cloud
 *     Tasks; tests may lower it)
 * @param maxDispatchesPerSecond the highest rate a queue may be given (500 in Cloud Tasks)
 * @param randomSeed seeds generated task ids and fault injection, so a run can be repeated
 * @param faults faults injected into every queue that has none of its own
 * @param queues queues to create at start, by full name
 */
public record EmulatorSettings(
    String host,
    int port,
    String issuer,
    Clock clock,
    Duration taskNameReservation,
    Duration minDispatchDeadline,
    double maxDispatchesPerSecond,
    long randomSeed,
    FaultPlan faults,
    List<String> queues) {}
