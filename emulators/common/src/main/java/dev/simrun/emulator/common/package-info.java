/**
 * What SimRun's emulators share (decision 0029): the {@link dev.simrun.emulator.common.FrontDoor}
 * that serves gRPC and REST on one port, and the {@link dev.simrun.emulator.common.OidcIssuer} that
 * signs the ID tokens of pushes and publishes the keys to verify them.
 */
package dev.simrun.emulator.common;
