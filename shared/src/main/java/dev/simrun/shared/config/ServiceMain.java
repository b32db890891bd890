package dev.simrun.shared.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a SimRun service as {@link Micronaut#run} does, except when its configuration is invalid:
 * then the log gets one error line naming the setting ({@link InvalidConfigurationException}), the
 * stack trace only at debug level, and the process exits with {@value #INVALID_CONFIGURATION}
 * before its server ever listens. Any other failure to start is left to Micronaut (exit 1).
 */
public final class ServiceMain extends Micronaut {
  /** The exit status of a start refused for its configuration ({@code EX_CONFIG} of sysexits). */
  public static final int INVALID_CONFIGURATION = 78;

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  public static ApplicationContext run(Class<?> mainClass, String... args) {
    return new ServiceMain().mainClass(mainClass).args(args).start();
  }

  @Override
  protected void handleStartupException(Environment environment, Throwable failure) {
    Optional<InvalidConfigurationException> invalid =
        ConfigurationCheck.explain(failure, environment);
    if (invalid.isEmpty() || environment.getActiveNames().contains(Environment.TEST)) {
      super.handleStartupException(environment, failure);
      return;
    }
    LOG.error(invalid.get().getMessage());
    LOG.debug("the start failed", failure);
    System.exit(INVALID_CONFIGURATION);
  }
}
