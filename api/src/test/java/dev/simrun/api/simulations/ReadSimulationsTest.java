package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.FinalizeStore;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading simulations back: scoped by owner, paged by cursor, the result once SUCCEEDED. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadSimulationsTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject ChunkStore chunks;
  @Inject FinalizeStore finalizes;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  private static String anOwner() {
    return "owner-" + UUID.randomUUID();
  }

  private UUID submit(String owner, long units) {
    Api.Reply r = api.submit(owner, Api.units(units, 1));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    return r.id();
  }

  @Test
  void anotherOwnersSimulationIsNotFound() {
    UUID id = submit("ann", 1);
    assertThat(api.get("ann", "/api/v1/simulations/" + id).status()).isEqualTo(200);

    Api.Reply reply = api.get("bob", "/api/v1/simulations/" + id);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "not-found");
    assertThat(reply.text("instance")).isEqualTo("/api/v1/simulations/" + id);
    assertThat(api.get("bob", "/api/v1/simulations/" + id + "/result").status()).isEqualTo(404);
  }

  @Test
  void anUnknownIdIsNotFoundAndAMalformedOneIsABadRequest() {
    Api.Reply unknown = api.get("ann", "/api/v1/simulations/" + UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text("type")).isEqualTo(PROBLEMS + "not-found");

    Api.Reply malformed = api.get("ann", "/api/v1/simulations/not-a-uuid");
    assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
    assertThat(malformed.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(malformed.text("type")).isEqualTo(PROBLEMS + "invalid-parameter");
    assertThat(fields(malformed)).containsExactly("id");
  }

  @Test
  void theListShowsOnlyTheCallersOwnSimulations() {
    String ann = anOwner();
    String bob = anOwner();
    UUID a1 = submit(ann, 1);
    UUID a2 = submit(ann, 1);
    UUID b1 = submit(bob, 1);

    assertThat(ids(api.get(ann, "/api/v1/simulations"))).containsExactlyInAnyOrder(a1, a2);
    assertThat(ids(api.get(bob, "/api/v1/simulations"))).containsExactly(b1);
  }

  @Test
  void theListPagesNewestFirstWithACursor() {
    String owner = anOwner();
    List<UUID> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(submit(owner, 1));
    }
    List<UUID> seen = new ArrayList<>();
    List<Instant> createdAt = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String next = "/api/v1/simulations?limit=2";
    while (next != null) {
      Api.Reply page = api.get(owner, next);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      List<UUID> ids = ids(page);
      pageSizes.add(ids.size());
      seen.addAll(ids);
      for (JsonNode item : page.tree().get("items").values()) {
        createdAt.add(Instant.parse(item.get("createdAt").getStringValue()));
      }
      String cursor = page.text("nextCursor");
      next = cursor == null ? null : "/api/v1/simulations?limit=2&cursor=" + cursor;
    }
    assertThat(pageSizes).containsExactly(2, 2, 1);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(submitted).doesNotHaveDuplicates();
    assertThat(createdAt).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void theListFiltersByStatus() {
    String owner = anOwner();
    UUID id = submit(owner, 1);
    assertThat(ids(api.get(owner, "/api/v1/simulations?status=queued"))).containsExactly(id);
    assertThat(ids(api.get(owner, "/api/v1/simulations?status=SUCCEEDED"))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "status=DONE, status",
    "limit=0, limit",
    "limit=101, limit",
    "limit=ten, limit",
    "cursor=bm90LWEtY3Vyc29y, cursor",
  })
  void aBadListParameterIsABadRequestNamingIt(String query, String parameter) {
    Api.Reply reply = api.get("ann", "/api/v1/simulations?" + query);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "invalid-parameter");
    assertThat(fields(reply)).containsExactly(parameter);
  }

  @Test
  void theResultIsAConflictUntilTheSimulationSucceeds() {
    UUID id = submit("ann", 1);
    Api.Reply early = api.get("ann", "/api/v1/simulations/" + id + "/result");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(early.text("type")).isEqualTo(PROBLEMS + "result-not-ready");
    assertThat(early.text("detail")).contains("QUEUED");

    // What a worker and the finalize task would do.
    var claim = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(1));
    chunks.commitSuccess(id, 0, claim.attempt(), "{\"units\":1}".getBytes(StandardCharsets.UTF_8));
    Api.Reply running = api.get("ann", "/api/v1/simulations/" + id + "/result");
    assertThat(running.status()).isEqualTo(409);
    assertThat(running.text("detail")).contains("RUNNING");
    String result = "{\"units\": 1, \"note\": \"stored as is\"}";
    assertThat(finalizes.finalizeSucceeded(id, result.getBytes(StandardCharsets.UTF_8), Map.of()))
        .isPresent();

    Api.Reply done = api.get("ann", "/api/v1/simulations/" + id + "/result");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.contentType()).isEqualTo("application/json");
    assertThat(done.body()).isEqualTo(result);
    Api.Reply view = api.get("ann", "/api/v1/simulations/" + id);
    assertThat(view.text("status")).isEqualTo("SUCCEEDED");
    assertThat(view.tree().get("progress").getDoubleValue()).isEqualTo(1.0);
    assertThat(view.text("startedAt")).isNotNull();
    assertThat(view.text("finishedAt")).isNotNull();
  }

  private static List<UUID> ids(Api.Reply page) {
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    List<UUID> ids = new ArrayList<>();
    for (JsonNode item : page.tree().get("items").values()) {
      ids.add(UUID.fromString(item.get("id").getStringValue()));
    }
    return ids;
  }

  private static List<String> fields(Api.Reply problem) {
    List<String> fields = new ArrayList<>();
    for (JsonNode e : problem.tree().get("errors").values()) {
      fields.add(e.get("field").getStringValue());
    }
    return fields;
  }
}
