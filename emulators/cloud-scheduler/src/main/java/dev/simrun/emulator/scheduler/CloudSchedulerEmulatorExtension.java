package dev.simrun.emulator.scheduler;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an emulator on a free port before a test class and stops it after:
 *
 * <pre>{@code
 * @RegisterExtension
 * static CloudSchedulerEmulatorExtension scheduler =
 *     new CloudSchedulerEmulatorExtension(b -> b.clock(clock));
 * }</pre>
 */
public final class CloudSchedulerEmulatorExtension implements BeforeAllCallback, AfterAllCallback {
  private final UnaryOperator<CloudSchedulerEmulator.Builder> configure;
  private CloudSchedulerEmulator emulator;

  public CloudSchedulerEmulatorExtension() {
    this(UnaryOperator.identity());
  }

  public CloudSchedulerEmulatorExtension(UnaryOperator<CloudSchedulerEmulator.Builder> configure) {
    this.configure = configure;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator = configure.apply(CloudSchedulerEmulator.builder()).start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) {
      emulator.close();
    }
  }

  public CloudSchedulerEmulator emulator() {
    if (emulator == null) {
      throw new IllegalStateException("the emulator starts before all tests of the class");
    }
    return emulator;
  }
}
