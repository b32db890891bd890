/**
 * The {@link dev.simrun.shared.dispatch.TaskQueue} adapter to Cloud Tasks (or its emulator) and the
 * factory of its client: the only dispatch code that imports Google's SDK.
 */
package dev.simrun.shared.dispatch.cloudtasks;
