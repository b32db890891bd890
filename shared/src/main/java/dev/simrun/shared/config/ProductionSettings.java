package dev.simrun.shared.config;

import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The settings a service must be given where it runs in production (decision 0033). Locally every
 * setting has a default that points at the developer's machine (the emulators, {@code
 * simrun-local}, a database on loopback); in production such a default is never right, so a setting
 * left out must stop the start with the line that names its environment variable, instead of a
 * service that comes up healthy and talks to nothing.
 *
 * <p>Production is recognised by {@value #CLOUD_RUN} (set by Cloud Run for services and functions),
 * or explicitly by {@value #PRODUCTION}: {@code true} or {@code false} wins over {@value
 * #CLOUD_RUN}. A setting counts as given when its environment variable is set and not blank, which
 * is how Terraform configures the services ({@code infra/cloud_run.tf}). What each service requires
 * is listed in its {@code application.yml} ({@value #REQUIRED}).
 */
public final class ProductionSettings {
  /** The environment variable Cloud Run sets to the service's name. */
  public static final String CLOUD_RUN = "K_SERVICE";

  /** The environment variable that says explicitly whether this is production. */
  public static final String PRODUCTION = "SIMRUN_PRODUCTION";

  /** The setting that lists what a service requires in production. */
  public static final String REQUIRED = "simrun.production.required";

  private final UnaryOperator<String> environment;

  /** Settings read with {@code environment} (a variable's value, or null when it is not set). */
  public ProductionSettings(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /**
   * The environment variables of the process as Micronaut read them: those of its environment
   * variable property sources (tests give one of their own instead of the process's).
   */
  public static UnaryOperator<String> variables(Environment environment) {
    List<PropertySource> sources =
        environment.getPropertySources().stream()
            .filter(
                s -> s.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE)
            .toList();
    return name -> {
      for (PropertySource source : sources) {
        Object value = source.get(name);
        if (value != null) {
          return value.toString();
        }
      }
      return null;
    };
  }

  /**
   * The environment variables a service must be given in production: {@value #REQUIRED} in its
   * {@code application.yml}, beside the placeholders whose local defaults they replace.
   */
  public static List<String> required(PropertyResolver properties) {
    return properties.getProperty(REQUIRED, Argument.listOf(String.class)).orElse(List.of());
  }

  /** True where the service runs in production. */
  public boolean production() {
    String explicit = given(PRODUCTION);
    if (explicit != null) {
      if (!explicit.equalsIgnoreCase("true") && !explicit.equalsIgnoreCase("false")) {
        throw new InvalidConfigurationException(
            PRODUCTION + " must be true or false, was '" + explicit + "'");
      }
      return explicit.equalsIgnoreCase("true");
    }
    return given(CLOUD_RUN) != null;
  }

  /**
   * In production, refuses to go on while one of {@code required} (environment variable names) is
   * not set; elsewhere does nothing.
   *
   * @throws InvalidConfigurationException naming the first variable missing
   */
  public void require(List<String> required) {
    if (!production()) {
      return;
    }
    for (String variable : required) {
      if (given(variable) == null) {
        throw new InvalidConfigurationException(
            variable
                + " is not set; a service in production ("
                + because()
                + ") needs it, as infra/cloud_run.tf sets it");
      }
    }
  }

  private String because() {
    String explicit = given(PRODUCTION);
    return explicit != null ? PRODUCTION + "=" + explicit : CLOUD_RUN + "=" + given(CLOUD_RUN);
  }

  private String given(String variable) {
    String value = environment.apply(variable);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
