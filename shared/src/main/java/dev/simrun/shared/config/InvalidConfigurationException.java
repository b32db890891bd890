package dev.simrun.shared.config;

/**
 * A service cannot run with its configuration. The message is one line that names the setting, what
 * is wrong with it and, when the environment set it, the variable that did: {@code invalid
 * configuration: simrun.worker.max-concurrent-io-chunks must be positive, was 0 (set by
 * SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS)}.
 */
public final class InvalidConfigurationException extends RuntimeException {
  /** What a log line starts with; {@code ./simrun} looks for it in a service's log. */
  public static final String PREFIX = "invalid configuration: ";

  private final String detail;

  public InvalidConfigurationException(String detail) {
    super(PREFIX + detail);
    this.detail = detail;
  }

  /** The message without {@link #PREFIX}. */
  public String detail() {
    return detail;
  }
}
