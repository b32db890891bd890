package dev.simrun.worker;

import dev.simrun.shared.config.AgentsConfig;
import dev.simrun.shared.config.ConfigurationCheck;
import dev.simrun.shared.config.ProductionSettings;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.config.Settings;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.serviceauth.AuthConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the worker checks as it starts, before anything else is created and long before its server
 * listens (decision 0016): every configuration bean it uses, bound and validated; the settings that
 * only make sense together; and the beans that answer pushes, created now, so that a configuration
 * they cannot be built with stops the start instead of failing every push with 500 while Cloud
 * Tasks retries it without end. A failure is an {@link
 * dev.simrun.shared.config.InvalidConfigurationException} naming the setting; {@link Application}
 * logs it and exits.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE)
final class StartChecks {
  /** The configuration the worker uses; StartChecksTest keeps this list complete. */
  static final List<Class<?>> CONFIGURATION =
      List.of(
          WorkerConfig.class,
          TasksConfig.class,
          AuthConfig.class,
          PubSubConfig.class,
          AgentsConfig.class);

  StartChecks(ApplicationContext context) {
    UnaryOperator<String> variables = ProductionSettings.variables(context.getEnvironment());
    new ProductionSettings(variables).require(ProductionSettings.required(context));
    ConfigurationCheck check = new ConfigurationCheck(context, variables);
    check.bind(CONFIGURATION);
    WorkerConfig worker = context.getBean(WorkerConfig.class);
    TasksConfig tasks = context.getBean(TasksConfig.class);
    check.require(
        worker.hardTimeLimit().compareTo(tasks.dispatchDeadline()) < 0,
        "simrun.worker.hard-time-limit must be shorter than simrun.tasks.dispatch-deadline, or"
            + " Cloud Tasks gives up on a push that still runs; were "
            + Settings.show(worker.hardTimeLimit())
            + " and "
            + Settings.show(tasks.dispatchDeadline()));
    check.require(
        worker.admissionWait().plus(worker.hardTimeLimit()).compareTo(tasks.dispatchDeadline())
            <= 0,
        "simrun.worker.admission-wait plus hard-time-limit must be at most"
            + " simrun.tasks.dispatch-deadline, as a push's wait for a slot counts in Cloud Tasks'"
            + " deadline; were "
            + Settings.show(worker.admissionWait())
            + " + "
            + Settings.show(worker.hardTimeLimit())
            + " and "
            + Settings.show(tasks.dispatchDeadline()));
    check.create(Qualifiers.byStereotype(ServerFilter.class));
    check.create(Qualifiers.byStereotype(Controller.class));
  }
}
