package dev.simrun.worker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.config.ConfigurationCheck;
import dev.simrun.shared.config.InvalidConfigurationException;
import dev.simrun.shared.serviceauth.AuthConfig;
import dev.simrun.shared.serviceauth.IdTokenVerifier;
import dev.simrun.shared.serviceauth.NimbusIdTokenVerifier;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanContextException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code simrun.auth.*} binds with its documented defaults and is validated when bound, and the
 * start check names a bad setting. Each case binds in a context of its own with only the settings
 * it gives: without the worker's application.yml (its defaults, its data source) and without the
 * rest of the worker's start (dev.simrun.worker.WithoutStartChecks).
 */
class AuthConfigTest {

  /** What the record needs besides the setting under test. */
  static final Map<String, String> VALID =
      Map.of(
          "simrun.auth.audience", "https://worker.example",
          "simrun.auth.allowed-service-accounts", "tasks@x.iam.gserviceaccount.com");

  static ApplicationContext run(Map<String, ?> settings) {
    Map<String, Object> properties = new HashMap<>(settings);
    properties.put("test.start-checks", "false");
    properties.put("simrun.worker.warm-up", "false");
    return ApplicationContext.builder()
        .enableDefaultPropertySources(false)
        .properties(properties)
        .start();
  }

  @Test
  void bindsWithGoogleAsTheDefaultIssuer() {
    try (ApplicationContext ctx =
        run(
            Map.of(
                "simrun.auth.audience", "https://worker.example",
                "simrun.auth.allowed-service-accounts", "a@x.iam.gserviceaccount.com,b@y"))) {
      AuthConfig config = ctx.getBean(AuthConfig.class);
      assertThat(config.issuer()).isEqualTo("https://accounts.google.com");
      assertThat(config.allowedServiceAccounts())
          .containsExactly("a@x.iam.gserviceaccount.com", "b@y");
      assertThat(config.jwksUri()).isNull();
      assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(60));
      assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(config.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(5));
      assertThat(config.platformVerified()).isFalse();
      assertThat(ctx.getBean(IdTokenVerifier.class)).isInstanceOf(NimbusIdTokenVerifier.class);
    }
  }

  @Test
  void aMissingAudienceOrAnEmptyAccountListFailsAtBinding() {
    try (ApplicationContext ctx =
        run(Map.of("simrun.auth.allowed-service-accounts", "a@x.iam.gserviceaccount.com"))) {
      assertThatThrownBy(() -> ctx.getBean(IdTokenVerifier.class))
          .isInstanceOf(BeanContextException.class)
          .hasMessageContaining("simrun.auth.audience");
    }
    try (ApplicationContext ctx =
        run(
            Map.of(
                "simrun.auth.audience", " ", "simrun.auth.allowed-service-accounts", List.of()))) {
      assertThatThrownBy(() -> ctx.getBean(AuthConfig.class))
          .isInstanceOf(BeanContextException.class)
          .hasMessageContaining("audience")
          .hasMessageContaining("allowedServiceAccounts");
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // a compact constructor's check
        "simrun.auth.connect-timeout | -1s | simrun.auth.connect-timeout must be positive, was -1s",
        // a bean-validation constraint
        "simrun.auth.allowed-service-accounts | \"\" | simrun.auth.allowed-service-accounts must"
            + " list accounts without blank entries, was ''",
      })
  void aBadSettingIsNamedWithItsValue(String setting, String value, String detail) {
    Map<String, Object> properties = new HashMap<>(VALID);
    properties.put(setting, value);
    try (ApplicationContext context = run(properties)) {
      ConfigurationCheck check = new ConfigurationCheck(context, variable -> null);
      assertThatThrownBy(() -> check.bind(List.of(AuthConfig.class)))
          .isInstanceOfSatisfying(
              InvalidConfigurationException.class,
              e -> {
                assertThat(e.detail()).isEqualTo(detail);
                assertThat(e.getMessage()).isEqualTo("invalid configuration: " + detail);
              });
    }
  }

  @Test
  void aMissingSettingIsNamed() {
    try (ApplicationContext context =
        run(Map.of("simrun.auth.allowed-service-accounts", "tasks@x.iam.gserviceaccount.com"))) {
      assertThatThrownBy(() -> new ConfigurationCheck(context, v -> null).bind(AuthConfig.class))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("invalid configuration: simrun.auth.audience is not set");
    }
  }
}
