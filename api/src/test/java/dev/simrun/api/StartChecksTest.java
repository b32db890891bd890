package dev.simrun.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.config.InvalidConfigurationException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The api's context does not start with an invalid configuration, one setting of each of its own
 * records at a time (the shared records have {@code ConfigurationCheckTest}): the failure carries
 * the line that names the setting, and comes before the database is migrated or even reached. A
 * valid start creates the beans that answer requests and uses no configuration the check left out.
 */
class StartChecksTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // compact constructors
        "simrun.dispatch.poll-interval | 0s | simrun.dispatch.poll-interval must be positive, was"
            + " 0s",
        "simrun.stream.heartbeat | -1s | simrun.stream.heartbeat must be positive, was -1s",
        "simrun.reconcile.interval | 0ms | simrun.reconcile.interval must be positive, was 0s",
        // bean-validation constraints
        "simrun.stream.buffer | 4 | simrun.stream.buffer must be greater than or equal to 8, was 4",
        "simrun.reconcile.batch | 10001 | simrun.reconcile.batch must be less than or equal to"
            + " 10000, was 10001",
        "simrun.datasets.max-rows | 0 | simrun.datasets.max-rows must be greater than or equal to"
            + " 1, was 0",
        "simrun.api.max-body-bytes | 0 | simrun.api.max-body-bytes must be greater than or equal"
            + " to 1, was 0",
        "simrun.admission.max-queued-chunks | 0 | simrun.admission.max-queued-chunks must be"
            + " greater than or equal to 1, was 0",
        // a value Micronaut would quietly replace with the default
        "simrun.reconcile.enabled | maybe | simrun.reconcile.enabled must be true or false, was"
            + " maybe",
        // the console's password sign-in
        "simrun.identity.web.toolkit-url | ftp://example.com/toolkit |"
            + " simrun.identity.web.toolkit-url must be an http or https URL without a query or"
            + " fragment, such as https://identitytoolkit.googleapis.com, was"
            + " ftp://example.com/toolkit",
        "simrun.identity.web.toolkit-url | https://identitytoolkit.googleapis.com?x=1 |"
            + " simrun.identity.web.toolkit-url must be an http or https URL without a query or"
            + " fragment, such as https://identitytoolkit.googleapis.com, was"
            + " https://identitytoolkit.googleapis.com?x=1",
        "simrun.identity.web.api-key | \"AIza key\" | simrun.identity.web.api-key must be a web"
            + " API key, letters, digits, - and _ only; the value set has 8 characters",
        // settings that only make sense together
        "simrun.datasets.max-upload-bytes | 100000000 | simrun.datasets.max-upload-bytes must not"
            + " exceed micronaut.server.max-request-size, or large uploads meet the server's limit"
            + " instead of the one that names them; were 100000000 and 67108864 bytes",
      })
  void aBadSettingStopsTheStart(String setting, String value, String detail) {
    Map<String, Object> p = new HashMap<>();
    // No database: the check must stop the start before one is needed.
    p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:9/nowhere");
    p.put("datasources.default.connection-timeout", "250");
    p.put(setting, value);
    assertThatThrownBy(() -> ApplicationContext.run(p))
        .satisfies(
            e ->
                assertThat(invalid(e))
                    .as("an InvalidConfigurationException among the causes of %s", e)
                    .hasValueSatisfying(i -> assertThat(i.detail()).isEqualTo(detail)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no Identity Platform project | | | simrun.identity.issuers.primary.audience must be set"
            + " (for Identity Platform: the project id, set SIMRUN_IDENTITY_PROJECT)",
        "a JWKS that is not a web URL | simrun-local | ftp://127.0.0.1/keys |"
            + " simrun.identity.issuers.primary.jwks-url must be an http or https URL, was"
            + " ftp://127.0.0.1/keys",
      })
  void withoutAValidTrustedIssuerTheStartStopsNamingTheSetting(
      String what, String audience, String jwksUrl, String detail) {
    Map<String, Object> p = new HashMap<>();
    p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:9/nowhere");
    p.put("datasources.default.connection-timeout", "250");
    if (audience != null) {
      p.put("simrun.identity.issuers.primary.issuer", "http://127.0.0.1:8123");
      p.put("simrun.identity.issuers.primary.audience", audience);
      p.put("simrun.identity.issuers.primary.jwks-url", jwksUrl);
    }
    assertThatThrownBy(() -> ApplicationContext.run(p))
        .satisfies(
            e ->
                assertThat(invalid(e))
                    .as("an InvalidConfigurationException among the causes of %s", e)
                    .hasValueSatisfying(i -> assertThat(i.detail()).isEqualTo(detail)));
  }

  @Test
  void aValidStartCreatesTheRequestHandlersAndChecksAllTheConfigurationItUses() {
    Map<String, Object> p = new HashMap<>(TestStack.properties());
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
          .as("configuration the api uses; each must be in StartChecks.CONFIGURATION")
          .isSubsetOf(StartChecks.CONFIGURATION)
          .containsAll(StartChecks.CONFIGURATION);
    }
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
