package dev.simrun.kinds;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * What the platform gives kinds in a service, for a test without the platform: no datasets, no
 * endpoints.
 */
@Factory
class PlatformStandIns {

  @Singleton
  Datasets datasets() {
    return Datasets.NONE;
  }

  @Singleton
  Endpoints endpoints() {
    return Endpoints.NONE;
  }

  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
