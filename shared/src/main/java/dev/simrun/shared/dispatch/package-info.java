/**
 * From the outbox to the queue: the {@link dev.simrun.shared.dispatch.TaskQueue} port, the outbox
 * its rows are claimed from and the dispatcher that turns them into named tasks, the tasks'
 * payloads, and the deleting of tasks of cancelled chunks.
 */
package dev.simrun.shared.dispatch;
