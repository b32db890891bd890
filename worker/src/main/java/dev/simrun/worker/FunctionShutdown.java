package dev.simrun.worker;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the worker when its Cloud Function instance is stopped (SIGTERM; decision 0034), as
 * Micronaut's shutdown hook closes the Cloud Run worker: events still queued for Pub/Sub are sent,
 * the connection pool is closed. Neither the Functions Framework's invoker nor Micronaut's function
 * entry point registers such a hook, so without it a stopped instance would drop queued events. A
 * chunk still running is not waited for: its lease lapses and the next delivery takes it over.
 */
@Context
@Requires(env = Environment.FUNCTION)
final class FunctionShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionShutdown.class);

  private final Thread hook;

  FunctionShutdown(ApplicationContext context) {
    this.hook =
        Thread.ofPlatform()
            .name("function-shutdown")
            .unstarted(
                () -> {
                  if (context.isRunning()) {
                    LOG.info("function instance stopping: closing the worker");
                    context.close();
                    LOG.info("worker closed");
                  }
                });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** A context closed otherwise (a test's) leaves no hook behind. */
  @PreDestroy
  void removeHook() {
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting already: the hook runs or ran
      }
    }
  }
}
