package dev.simrun.shared.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.MDC;

/**
 * The fields every log line of a piece of work carries ({@code simulationId}, {@code chunk}, {@code
 * attempt}, {@code owner}), kept in the logging context of the thread doing it. Closing puts back
 * what was there before, so a virtual thread or a pooled one never lends them to the next task.
 */
public final class LogFields implements AutoCloseable {
  public static final String SIMULATION_ID = "simulationId";
  public static final String CHUNK = "chunk";
  public static final String ATTEMPT = "attempt";
  public static final String OWNER = "owner";

  private final List<String[]> previous = new ArrayList<>(4);

  private LogFields() {}

  /** The log fields of work on one simulation. */
  public static LogFields simulation(UUID simulationId) {
    return new LogFields().with(SIMULATION_ID, simulationId.toString());
  }

  /** The log fields of work on one chunk. */
  public static LogFields chunk(UUID simulationId, int chunk) {
    return simulation(simulationId).with(CHUNK, Integer.toString(chunk));
  }

  /** The attempt alone, for a line about an attempt whose other fields are already set. */
  public static LogFields ofAttempt(int attempt) {
    return new LogFields().attempt(attempt);
  }

  /** The fields a claimed attempt adds to its chunk's: the attempt and the simulation's owner. */
  public static LogFields claimed(int attempt, String owner) {
    return new LogFields().attempt(attempt).owner(owner);
  }

  public LogFields attempt(int attempt) {
    return with(ATTEMPT, Integer.toString(attempt));
  }

  public LogFields owner(String owner) {
    return with(OWNER, owner);
  }

  private LogFields with(String key, String value) {
    previous.add(new String[] {key, MDC.get(key)});
    MDC.put(key, value);
    return this;
  }

  @Override
  public void close() {
    for (int i = previous.size() - 1; i >= 0; i--) {
      String[] kv = previous.get(i);
      if (kv[1] == null) {
        MDC.remove(kv[0]);
      } else {
        MDC.put(kv[0], kv[1]);
      }
    }
    previous.clear();
  }
}
