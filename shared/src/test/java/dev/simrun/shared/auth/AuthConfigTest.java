package dev.simrun.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanContextException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code simrun.auth.*} binds with its documented defaults and is validated when bound. */
class AuthConfigTest {

  @Test
  void bindsWithGoogleAsTheDefaultIssuer() {
    try (ApplicationContext ctx =
        ApplicationContext.run(
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
        ApplicationContext.run(
            Map.of("simrun.auth.allowed-service-accounts", "a@x.iam.gserviceaccount.com"))) {
      assertThatThrownBy(() -> ctx.getBean(IdTokenVerifier.class))
          .isInstanceOf(BeanContextException.class)
          .hasMessageContaining("simrun.auth.audience");
    }
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "simrun.auth.audience", " ", "simrun.auth.allowed-service-accounts", List.of()))) {
      assertThatThrownBy(() -> ctx.getBean(AuthConfig.class))
          .isInstanceOf(BeanContextException.class)
          .hasMessageContaining("audience")
          .hasMessageContaining("allowedServiceAccounts");
    }
  }
}
