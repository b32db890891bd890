package dev.simrun.worker;

import dev.simrun.shared.config.ServiceMain;

/**
 * The worker service: Cloud Tasks pushes chunks and finalize tasks here. It refuses to start with
 * an invalid configuration ({@link StartChecks}).
 */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    ServiceMain.run(Application.class, args);
  }
}
