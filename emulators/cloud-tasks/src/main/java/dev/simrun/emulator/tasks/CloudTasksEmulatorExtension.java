package dev.simrun.emulator.tasks;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an emulator on a free port before a test class and stops it after:
 *
 * <pre>{@code
 * @RegisterExtension
 * static CloudTasksEmulatorExtension tasks = new CloudTasksEmulatorExtension(b -> b.queue(QUEUE));
 * }</pre>
 */
public final class CloudTasksEmulatorExtension implements BeforeAllCallback, AfterAllCallback {
  private final UnaryOperator<CloudTasksEmulator.Builder> configure;
  private CloudTasksEmulator emulator;

  public CloudTasksEmulatorExtension() {
    this(UnaryOperator.identity());
  }

  public CloudTasksEmulatorExtension(UnaryOperator<CloudTasksEmulator.Builder> configure) {
    this.configure = configure;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator = configure.apply(CloudTasksEmulator.builder()).start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) {
      emulator.close();
    }
  }

  public CloudTasksEmulator emulator() {
    if (emulator == null) {
      throw new IllegalStateException("the emulator starts before all tests of the class");
    }
    return emulator;
  }
}
