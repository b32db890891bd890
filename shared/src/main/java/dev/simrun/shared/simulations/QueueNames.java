package dev.simrun.shared.simulations;

/** The Cloud Tasks queue (full name) for each priority. */
public interface QueueNames {
  String forPriority(Priority priority);
}
