/**
 * The Pub/Sub adapters of the event ports: {@link
 * dev.simrun.shared.events.pubsub.PubSubEventPublisher} and {@link
 * dev.simrun.shared.events.pubsub.PubSubEventFeed}. The only event code that imports Google's SDK.
 */
package dev.simrun.shared.events.pubsub;
