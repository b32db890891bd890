package dev.simrun.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The start check turns whatever refused a configuration bean into one line that names the setting:
 * a compact constructor's check, a bean-validation constraint, a missing setting, a value Micronaut
 * cannot convert (and would otherwise replace with the default).
 */
class ConfigurationCheckTest {

  static final List<Class<?>> SHARED =
      List.of(TasksConfig.class, PubSubConfig.class, AdmissionConfig.class);

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // compact constructors
        "simrun.tasks.dispatch-deadline | 5s | simrun.tasks.dispatch-deadline must be between 15s"
            + " and 30m (Cloud Tasks' limits), was 5s",
        "simrun.pubsub.subscription-retention | 1m | simrun.pubsub.subscription-retention must be"
            + " at least 10m (Pub/Sub's minimum), was 1m",
        "simrun.admission.retry-after | 0s | simrun.admission.retry-after must be positive, was 0s",
        // bean-validation constraints
        "simrun.pubsub.publish-batch-size | 0 | simrun.pubsub.publish-batch-size must be greater"
            + " than or equal to 1, was 0",
        "simrun.admission.max-active-per-owner | -2 | simrun.admission.max-active-per-owner must be"
            + " greater than or equal to 1, was -2",
        "simrun.tasks.project | \"  \" | simrun.tasks.project must not be blank, was '  '",
        // values Micronaut would quietly replace with the default
        "simrun.pubsub.call-timeout | 5 sec | simrun.pubsub.call-timeout must be a duration such as"
            + " 500ms, 30s or 5m, was '5 sec'",
        "simrun.tasks.max-attempts | ten | simrun.tasks.max-attempts must be a whole number, was"
            + " ten",
        "simrun.pubsub.enabled | 1 | simrun.pubsub.enabled must be true or false, was 1",
      })
  void aBadSettingIsNamedWithItsValue(String setting, String value, String detail) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(setting, value);
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      ConfigurationCheck check = new ConfigurationCheck(context, variable -> null);
      assertThatThrownBy(() -> check.bind(SHARED))
          .isInstanceOfSatisfying(
              InvalidConfigurationException.class,
              e -> {
                assertThat(e.detail()).isEqualTo(detail);
                assertThat(e.getMessage()).isEqualTo("invalid configuration: " + detail);
              });
    }
  }

  @Test
  void theVariableThatSetASettingIsNamedToo() {
    try (ApplicationContext context =
        ApplicationContext.run(Map.of("simrun.tasks.dispatch-deadline", "31m"))) {
      Map<String, String> environment = Map.of("SIMRUN_TASKS_DISPATCH_DEADLINE", "31m");
      assertThatThrownBy(
              () -> new ConfigurationCheck(context, environment::get).bind(TasksConfig.class))
          .hasMessage(
              "invalid configuration: simrun.tasks.dispatch-deadline must be between 15s and 30m"
                  + " (Cloud Tasks' limits), was 31m (set by SIMRUN_TASKS_DISPATCH_DEADLINE)");
    }
  }

  @Test
  void validSettingsBindAsUsual() {
    try (ApplicationContext context =
        ApplicationContext.run(Map.of("simrun.tasks.dispatch-deadline", "20m"))) {
      ConfigurationCheck check = new ConfigurationCheck(context, v -> null);
      assertThat(check.bind(TasksConfig.class).dispatchDeadline())
          .isEqualTo(Duration.ofMinutes(20));
      check.require(true, "never shown");
      assertThatThrownBy(() -> check.require(false, "simrun.a and simrun.b disagree"))
          .hasMessage("invalid configuration: simrun.a and simrun.b disagree");
    }
  }

  /**
   * A configuration bean some other bean needed first fails inside Micronaut's nested exceptions;
   * the start still reports the record's own line, not the wrapper.
   */
  @Test
  void explainsARecordThatFailedInsideAnotherBean() {
    try (ApplicationContext context =
        ApplicationContext.run(Map.of("simrun.admission.max-queued-chunks", "0"))) {
      RuntimeException nested = catching(() -> context.getBean(AdmissionConfig.class));
      assertThat(nested.getMessage()).contains("Path Taken");
      assertThat(ConfigurationCheck.explain(nested, context, v -> null))
          .hasValueSatisfying(
              e ->
                  assertThat(e.detail())
                      .isEqualTo(
                          "simrun.admission.max-queued-chunks must be greater than or equal to"
                              + " 1, was 0"));
    }
    try (ApplicationContext context =
        ApplicationContext.run(Map.of("simrun.pubsub.subscription-expiration", "1h"))) {
      RuntimeException nested = catching(() -> context.getBean(PubSubConfig.class));
      assertThat(ConfigurationCheck.explain(nested, context, v -> null))
          .hasValueSatisfying(
              e ->
                  assertThat(e.detail())
                      .isEqualTo(
                          "simrun.pubsub.subscription-expiration must be at least 24h"
                              + " (Pub/Sub's minimum), was 1h"));
    }
  }

  @Test
  void otherFailuresAreNotConfiguration() {
    try (ApplicationContext context = ApplicationContext.run()) {
      assertThat(ConfigurationCheck.explain(new IllegalStateException("boom"), context)).isEmpty();
    }
  }

  @Test
  void durationsAreShownAsTheyAreWritten() {
    assertThat(Settings.show(Duration.ofSeconds(570))).isEqualTo("9m30s");
    assertThat(Settings.show(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Settings.show(Duration.ZERO)).isEqualTo("0s");
    assertThat(Settings.show(Duration.ofSeconds(-1))).isEqualTo("-1s");
    assertThat(Settings.show(null)).isEqualTo("not set");
  }

  private static RuntimeException catching(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("no exception");
  }
}
