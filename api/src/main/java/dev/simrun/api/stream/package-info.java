/**
 * Live progress over Server-Sent Events: this instance's feed of events ({@link
 * dev.simrun.shared.events.EventFeed}) and a tail of the durable log go into one hub, which routes
 * each event to the streams watching its simulation or its owner. Streams resume from the log with
 * {@code Last-Event-ID}.
 */
package dev.simrun.api.stream;
