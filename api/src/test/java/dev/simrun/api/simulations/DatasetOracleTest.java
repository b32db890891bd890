package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A submit naming another owner's dataset gets, byte for byte, the answer a submit naming an id
 * that exists nowhere gets: nothing in it tells whether the dataset exists, nor its size.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetOracleTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  /** Specs that would be valid on a dataset of {@code bars} bars, with %s for its id. */
  static List<String> specs() {
    return List.of(
        """
        {"kind": "strategy-backtest", "params": {"data": {"dataset": "%s"},
         "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [20, 50]}}}
        """,
        """
        {"kind": "forecast-backtest", "params": {"series": {"dataset": "%s", "column": "close"},
         "start": 20, "end": 40, "history": 10, "agents": [{"type": "naive"}]}}
        """);
  }

  @Test
  void anotherOwnersDatasetIsAnsweredExactlyAsOneThatDoesNotExist() {
    // Small datasets, a large one: the answer about a small one used to name its row count.
    for (int bars : List.of(3, 30, 400)) {
      String bobs = upload("bob", bars);
      for (String spec : specs()) {
        assertThat(api.submit("bob", spec.formatted(bobs)).status()).isIn(202, 422);
        String unknown = UUID.randomUUID().toString();
        Api.Reply theirs = api.submit("ann", spec.formatted(bobs));
        Api.Reply none = api.submit("ann", spec.formatted(unknown));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(422);
        assertThat(theirs.contentType()).startsWith(Api.PROBLEM_JSON);
        assertThat(theirs.body()).doesNotContain(" bars").doesNotContain(" rows");
        assertThat(theirs.body().replace(bobs, "<id>"))
            .isEqualTo(none.body().replace(unknown, "<id>"));
        assertThat(new TreeSet<>(theirs.headers().names()))
            .isEqualTo(new TreeSet<>(none.headers().names()));
      }
    }
    assertThat(
            rows.count("SELECT count(*) FROM simulations WHERE owner = '" + Api.owner("ann") + "'"))
        .isZero();
  }

  private String upload(String user, int bars) {
    StringBuilder csv = new StringBuilder("timestamp,open,high,low,close,volume\n");
    LocalDate day = LocalDate.of(2024, 1, 1);
    for (int i = 0; i < bars; i++) {
      double close = 100 + (i % 7);
      csv.append(day.plusDays(i))
          .append(',')
          .append(close)
          .append(',')
          .append(close + 1)
          .append(',')
          .append(close - 1)
          .append(',')
          .append(close)
          .append(",1000\n");
    }
    Api.Reply r =
        api.exchange(
            HttpRequest.POST("/api/v1/datasets?name=set-" + bars, csv.toString())
                .contentType("text/csv")
                .header(Api.AUTH, Api.bearer(user)));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.text("id");
  }
}
