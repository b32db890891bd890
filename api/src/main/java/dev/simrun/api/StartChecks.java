package dev.simrun.api;

import dev.simrun.api.batches.BatchesConfig;
import dev.simrun.api.datasets.DatasetsConfig;
import dev.simrun.api.dispatch.DispatchConfig;
import dev.simrun.api.identity.Operators;
import dev.simrun.api.identity.PasswordSignIn;
import dev.simrun.api.identity.TrustedIssuer;
import dev.simrun.api.identity.TrustedIssuers;
import dev.simrun.api.limits.BodyLimits;
import dev.simrun.api.recovery.ReconcileConfig;
import dev.simrun.api.stream.StreamConfig;
import dev.simrun.shared.config.AdmissionConfig;
import dev.simrun.shared.config.AgentsConfig;
import dev.simrun.shared.config.ConfigurationCheck;
import dev.simrun.shared.config.PlanningConfig;
import dev.simrun.shared.config.ProductionSettings;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.serviceauth.AuthConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the api checks as it starts, before anything else is created (the database is not even
 * migrated yet) and long before its server listens (decision 0016): every configuration bean it
 * uses, bound and validated; the settings that only make sense together; and the beans that answer
 * requests, created now, so that a configuration they cannot be built with stops the start. A
 * failure is an {@link dev.simrun.shared.config.InvalidConfigurationException} naming the setting;
 * {@link Application} logs it and exits.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE)
final class StartChecks {
  /** The configuration the api uses; StartChecksTest keeps this list complete. */
  static final List<Class<?>> CONFIGURATION =
      List.of(
          TasksConfig.class,
          PubSubConfig.class,
          AdmissionConfig.class,
          DispatchConfig.class,
          ReconcileConfig.class,
          StreamConfig.class,
          DatasetsConfig.class,
          BodyLimits.class,
          PlanningConfig.class,
          Operators.class,
          PasswordSignIn.class,
          AgentsConfig.class,
          AuthConfig.class,
          BatchesConfig.class);

  /** The message of a trusted issuer's compact constructor, which names the setting. */
  private static Optional<String> issuerProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException i
          && String.valueOf(i.getMessage()).startsWith("simrun.identity.issuers.")) {
        return Optional.of(i.getMessage());
      }
    }
    return Optional.empty();
  }

  StartChecks(ApplicationContext context) {
    UnaryOperator<String> variables = ProductionSettings.variables(context.getEnvironment());
    new ProductionSettings(variables).require(ProductionSettings.required(context));
    ConfigurationCheck check = new ConfigurationCheck(context, variables);
    check.bind(CONFIGURATION);
    long maxUpload = context.getBean(DatasetsConfig.class).maxUploadBytes();
    long maxRequest = context.getBean(HttpServerConfiguration.class).getMaxRequestSize();
    check.require(
        maxUpload <= maxRequest,
        "simrun.datasets.max-upload-bytes must not exceed micronaut.server.max-request-size, or"
            + " large uploads meet the server's limit instead of the one that names them; were "
            + maxUpload
            + " and "
            + maxRequest
            + " bytes");
    Collection<TrustedIssuer> issuers;
    try {
      issuers = context.getBean(TrustedIssuers.class).all();
    } catch (RuntimeException e) {
      check.require(false, issuerProblem(e).orElseThrow(() -> e));
      throw e;
    }
    check.require(
        !issuers.isEmpty(),
        "simrun.identity.issuers must name at least one OIDC issuer whose ID tokens the api"
            + " accepts; for Identity Platform set SIMRUN_IDENTITY_PROJECT to the project id");
    check.create(Qualifiers.byStereotype(ServerFilter.class));
    check.create(Qualifiers.byStereotype(Controller.class));
  }
}
