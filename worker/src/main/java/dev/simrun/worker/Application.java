package dev.simrun.worker;

import io.micronaut.runtime.Micronaut;

/** The worker service: Cloud Tasks pushes chunks and finalize tasks here. */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    Micronaut.run(Application.class, args);
  }
}
