package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Admission limits over real HTTP: 429 problem+json with Retry-After, and nothing stored. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.admission.max-active-per-owner", "3");
    p.put("simrun.admission.max-queued-chunks", "100");
    p.put("simrun.admission.retry-after", "45s");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  Api.Reply cancel(String owner, UUID id) {
    return api.exchange(
        HttpRequest.POST("/api/v1/simulations/" + id + "/cancel", "")
            .contentType(MediaType.APPLICATION_JSON)
            .header(Api.AUTH, Api.bearer(owner)));
  }

  @Test
  void concurrentSubmitsOfOneOwnerNeverPassTheLimit() throws Exception {
    List<Future<Api.Reply>> replies = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        replies.add(pool.submit((Callable<Api.Reply>) () -> api.submit("ann", Api.units(2, 1))));
      }
    }
    List<Api.Reply> accepted = new ArrayList<>();
    List<Api.Reply> refused = new ArrayList<>();
    for (Future<Api.Reply> f : replies) {
      Api.Reply r = f.get();
      (r.status() == 202 ? accepted : refused).add(r);
    }
    assertThat(accepted).hasSize(3);
    assertThat(refused).hasSize(5).allMatch(r -> r.status() == 429);
    Api.Reply one = refused.getFirst();
    assertThat(one.contentType()).startsWith(Api.PROBLEM_JSON);
    assertThat(one.text("type")).endsWith("/over-limit");
    assertThat(one.text("detail")).startsWith("You have 3 active simulations");
    assertThat(one.headers().get(HttpHeaders.RETRY_AFTER)).isEqualTo("45");
    assertThat(
            rows.count("SELECT count(*) FROM simulations WHERE owner = '" + Api.owner("ann") + "'"))
        .isEqualTo(3);

    // One ends: there is room again.
    assertThat(cancel("ann", accepted.getFirst().id()).status()).isEqualTo(202);
    assertThat(api.submit("ann", Api.units(2, 1)).status()).isEqualTo(202);
    // A repeated key returns the first submission even at the limit.
    Api.Reply keyed =
        api.exchange(api.post("bea", Api.units(1, 1)).header("Idempotency-Key", "k-1"));
    assertThat(keyed.status()).isEqualTo(202);
    api.submit("bea", Api.units(1, 1));
    api.submit("bea", Api.units(1, 1));
    Api.Reply repeat =
        api.exchange(api.post("bea", Api.units(1, 1)).header("Idempotency-Key", "k-1"));
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.id()).isEqualTo(keyed.id());
  }

  @Test
  void aSubmissionThatWouldPassTheQueuedChunkLimitIsRefused() {
    long before = rows.pipeline();
    long queued =
        rows.count(
            "SELECT coalesce(sum(chunk_count - chunks_done), 0) FROM simulations"
                + " WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING')");
    Api.Reply tooBig = api.submit("cy", Api.units(101 - queued, 1));
    assertThat(tooBig.status()).isEqualTo(429);
    assertThat(tooBig.text("detail")).contains("would pass the limit of 100");
    assertThat(rows.pipeline()).as("nothing stored").isEqualTo(before);
  }
}
