package dev.simrun.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How production is recognised, and what it requires (decision 0033). */
class ProductionSettingsTest {

  static ProductionSettings in(Map<String, String> env) {
    return new ProductionSettings(env::get);
  }

  @Test
  void cloudRunIsProduction() {
    assertThat(in(Map.of("K_SERVICE", "simrun-api")).production()).isTrue();
    assertThat(in(Map.of()).production()).isFalse();
    assertThat(in(Map.of("K_SERVICE", " ")).production()).isFalse();
  }

  @Test
  void anExplicitSettingWinsOverCloudRun() {
    assertThat(in(Map.of("K_SERVICE", "x", "SIMRUN_PRODUCTION", "false")).production()).isFalse();
    assertThat(in(Map.of("SIMRUN_PRODUCTION", "TRUE")).production()).isTrue();
    assertThatThrownBy(() -> in(Map.of("SIMRUN_PRODUCTION", "yes")).production())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("invalid configuration: SIMRUN_PRODUCTION must be true or false, was 'yes'");
  }

  @Test
  void outsideProductionNothingIsRequired() {
    in(Map.of()).require(List.of("SIMRUN_TASKS_PROJECT"));
  }

  @Test
  void inProductionTheFirstMissingSettingIsNamed() {
    ProductionSettings settings =
        in(Map.of("SIMRUN_PRODUCTION", "true", "SIMRUN_TASKS_PROJECT", "p"));
    settings.require(List.of("SIMRUN_TASKS_PROJECT"));
    assertThatThrownBy(
            () -> settings.require(List.of("SIMRUN_TASKS_PROJECT", "A_MISSING", "B_MISSING")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(
            "invalid configuration: A_MISSING is not set; a service in production"
                + " (SIMRUN_PRODUCTION=true) needs it, as infra/cloud_run.tf sets it");
  }
}
