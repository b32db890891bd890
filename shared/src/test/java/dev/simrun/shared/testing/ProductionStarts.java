package dev.simrun.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.config.InvalidConfigurationException;
import dev.simrun.shared.config.ProductionSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a service's context with a production-like environment of its own instead of the process's
 * (decision 0033), for each service's ProductionStartTest.
 */
public final class ProductionStarts {
  private ProductionStarts() {}

  /** What the service's application.yml lists (simrun.production.required). */
  public static List<String> required() {
    try (ApplicationContext context =
        ApplicationContext.builder().environmentPropertySource(false).build()) {
      context.getEnvironment().start();
      List<String> required = ProductionSettings.required(context.getEnvironment());
      assertThat(required).as(ProductionSettings.REQUIRED).isNotEmpty();
      return required;
    }
  }

  /** The service's context, started with {@code env} as its only environment variables. */
  public static ApplicationContext start(Map<String, Object> env) {
    return ApplicationContext.builder()
        .environmentPropertySource(false)
        .propertySources(
            PropertySource.of(
                "env",
                env,
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE,
                PropertySource.Origin.of("environment variables")))
        .start();
  }

  /** Starting with {@code env} fails with the one line that names {@code variable}. */
  public static void assertRefused(Map<String, Object> env, String variable) {
    assertThatThrownBy(() -> start(env).close())
        .satisfies(
            e ->
                assertThat(invalid(e))
                    .as("an InvalidConfigurationException among the causes of %s", e)
                    .hasValueSatisfying(
                        i ->
                            assertThat(i.getMessage())
                                .isEqualTo(
                                    "invalid configuration: "
                                        + variable
                                        + " is not set; a service in production (K_SERVICE="
                                        + env.get("K_SERVICE")
                                        + ") needs it, as infra/cloud_run.tf sets it")));
  }

  private static Optional<InvalidConfigurationException> invalid(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidConfigurationException i) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
