package dev.simrun.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simrun.shared.config.InvalidConfigurationException;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A cap per owner above the instance's cap it is meant to keep one caller below stops the start,
 * with the line that names both settings.
 */
class PerOwnerSettingsTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "simrun.datasets.max-uploads-per-owner | 3 | simrun.datasets.max-uploads-per-owner must"
            + " not exceed simrun.datasets.max-concurrent-uploads, or one caller can take every"
            + " parsing slot; were 3 and 2",
        "simrun.stream.max-streams-per-owner | 20001 | simrun.stream.max-streams-per-owner must"
            + " not exceed simrun.stream.max-streams, or one caller can take every stream; were"
            + " 20001 and 20000",
        "simrun.datasets.max-datasets-per-owner | 0 | simrun.datasets.max-datasets-per-owner must"
            + " be greater than or equal to 1, was 0",
      })
  void aCapPerOwnerAboveTheInstancesStopsTheStart(String setting, String value, String detail) {
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

  private static Optional<InvalidConfigurationException> invalid(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidConfigurationException i) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
