package dev.simrun.shared.deadletters;

/**
 * Tells operators about a new dead letter: Pub/Sub topic {@code simulation-dead-letters}, with a
 * retained subscription they open in Cloud Console. Best effort: the dead letter is already stored,
 * and {@code GET /api/v1/dead-letters} lists it whether or not this reached the topic.
 */
public interface DeadLetterPublisher extends AutoCloseable {

  /** Queues the dead letter for publishing; returns without waiting. */
  void publish(DeadLetter letter);

  /** Sends what is queued, waiting a few seconds at most. */
  @Override
  default void close() {}

  /** Publishes nowhere: for processes without Pub/Sub. */
  DeadLetterPublisher NONE = letter -> {};
}
