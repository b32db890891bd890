package dev.simrun.shared.deadletters;

/** OPEN until an operator acts; REPLAYED and DISCARDED are final. */
public enum DeadLetterStatus {
  OPEN,
  REPLAYED,
  DISCARDED
}
