/**
 * The {@link dev.simrun.shared.dispatch.TaskQueue} port on Google Cloud Tasks: HTTP tasks with an
 * OIDC token for the worker, named so that a repeated CreateTask is a no-op, and a client that
 * talks to the emulator in plaintext when {@code simrun.tasks.emulator-endpoint} is set.
 */
package dev.simrun.shared.dispatch.cloudtasks;
