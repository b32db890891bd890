package dev.simrun.api;

import dev.simrun.shared.config.ServiceMain;

/** The api service. It refuses to start with an invalid configuration ({@link StartChecks}). */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    ServiceMain.run(Application.class, args);
  }
}
