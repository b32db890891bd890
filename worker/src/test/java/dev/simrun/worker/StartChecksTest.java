package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.config.InvalidConfigurationException;
import dev.simrun.shared.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The worker's context does not start with an invalid configuration: the failure carries the line
 * that names the setting, whichever record or rule refused it, before the database is touched. A
 * valid start creates the beans that answer pushes and uses no configuration the check left out.
 */
class StartChecksTest {

  /** A compact constructor's check: issue #11's case. */
  @Test
  void aZeroLimitOfIoBoundChunksStopsTheStart() {
    assertRefused(
        Map.of("simrun.worker.max-concurrent-io-chunks", "0"),
        "simrun.worker.max-concurrent-io-chunks must be positive, was 0");
  }

  /** A bean-validation constraint of a shared record, {@code AuthConfig}'s {@code @NotBlank}. */
  @Test
  void aBlankAudienceStopsTheStart() {
    assertRefused(
        Map.of("simrun.auth.audience", " "), "simrun.auth.audience must not be blank, was ' '");
  }

  /** Two settings that only make sense together. */
  @Test
  void aHardTimeLimitPastTheDispatchDeadlineStopsTheStart() {
    assertRefused(
        Map.of(
            "simrun.worker.soft-time-limit", "4m",
            "simrun.worker.hard-time-limit", "5m",
            "simrun.tasks.dispatch-deadline", "5m"),
        "simrun.worker.hard-time-limit must be shorter than simrun.tasks.dispatch-deadline, or"
            + " Cloud Tasks gives up on a push that still runs; were 5m and 5m");
  }

  @Test
  void anAdmissionWaitThatWouldOutlastTheDispatchDeadlineStopsTheStart() {
    assertRefused(
        Map.of(
            "simrun.worker.soft-time-limit", "4m",
            "simrun.worker.hard-time-limit", "4m",
            "simrun.worker.admission-wait", "2m",
            "simrun.tasks.dispatch-deadline", "5m"),
        "simrun.worker.admission-wait plus hard-time-limit must be at most"
            + " simrun.tasks.dispatch-deadline, as a push's wait for a slot counts in Cloud Tasks'"
            + " deadline; were 2m + 4m and 5m");
  }

  @Test
  void aProgressIntervalAsLongAsTheLeaseStopsTheStart() {
    assertRefused(
        Map.of("simrun.worker.lease", "2s", "simrun.worker.progress-interval", "2s"),
        "simrun.worker.progress-interval must be shorter than simrun.worker.lease, or a running"
            + " chunk's lease lapses between two progress writes; were 2s and 2s");
  }

  /**
   * The check runs first: with the database unreachable too, the setting is still what is named.
   */
  @Test
  void theCheckComesBeforeTheDatabase() {
    Map<String, Object> p = new HashMap<>();
    p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:9/nowhere");
    p.put("datasources.default.connection-timeout", "250");
    p.put("simrun.tasks.max-attempts", "0");
    assertThatThrownBy(() -> ApplicationContext.run(p))
        .satisfies(
            e ->
                assertThat(invalid(e))
                    .hasValueSatisfying(
                        i ->
                            assertThat(i.detail())
                                .isEqualTo(
                                    "simrun.tasks.max-attempts must be -1 (unlimited) or positive,"
                                        + " was 0")));
  }

  @Test
  void aValidStartCreatesThePushHandlersAndChecksAllTheConfigurationItUses() {
    Map<String, Object> p = new HashMap<>(TestDatabase.properties());
    p.put("micronaut.server.port", "-1");
    // Dialled only when a task is created; none is here.
    p.put("simrun.tasks.emulator-endpoint", "127.0.0.1:9");
    try (ApplicationContext context = ApplicationContext.run(p)) {
      assertThat(context.getActiveBeanRegistrations(Qualifiers.byStereotype(Controller.class)))
          .as("controllers created at start")
          .isNotEmpty();
      assertThat(context.getActiveBeanRegistrations(Qualifiers.byStereotype(ServerFilter.class)))
          .as("filters created at start")
          .isNotEmpty();
      assertThat(
              context
                  .getActiveBeanRegistrations(
                      Qualifiers.byStereotype(ConfigurationProperties.class))
                  .stream()
                  .map(BeanRegistration::getBeanDefinition)
                  .<Class<?>>map(d -> d.getBeanType())
                  .filter(type -> type.getName().startsWith("dev.simrun."))
                  .toList())
          .as("configuration the worker uses; each must be in StartChecks.CONFIGURATION")
          .isSubsetOf(StartChecks.CONFIGURATION)
          .containsAll(StartChecks.CONFIGURATION);
    }
  }

  private static void assertRefused(Map<String, String> settings, String detail) {
    // No database: the check must stop the start before one is needed.
    Map<String, Object> p = new HashMap<>(settings);
    p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:9/nowhere");
    p.put("datasources.default.connection-timeout", "250");
    assertThatThrownBy(() -> ApplicationContext.run(p))
        .satisfies(
            e ->
                assertThat(invalid(e))
                    .as("an InvalidConfigurationException among the causes of %s", e)
                    .hasValueSatisfying(i -> assertThat(i.detail()).isEqualTo(detail)));
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
