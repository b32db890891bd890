/**
 * From outbox rows to queue tasks: the transactional outbox written with each change ({@link
 * dev.simrun.shared.dispatch.OutboxStore}), the dispatcher that claims due rows and creates their
 * tasks with bounded parallelism ({@link dev.simrun.shared.dispatch.OutboxDispatcher}), the task
 * payloads the worker receives, and the {@link dev.simrun.shared.dispatch.TaskQueue} port.
 */
package dev.simrun.shared.dispatch;
