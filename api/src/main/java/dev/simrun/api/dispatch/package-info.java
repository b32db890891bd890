/**
 * Moving outbox rows into Cloud Tasks off the request path: {@link
 * dev.simrun.api.dispatch.OutboxPump} drains the outbox when a submission wakes it and on a timer
 * for rows other instances or failed attempts left behind.
 */
package dev.simrun.api.dispatch;
