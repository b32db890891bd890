package dev.simrun.api.routes;

import dev.simrun.api.routes.ApiRoutes.Resource;
import dev.simrun.api.testing.Api;
import dev.simrun.shared.simulations.ChunkFailures;
import dev.simrun.shared.simulations.ChunkStore;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.UUID;

/**
 * Real resources of one owner, one of each kind a route's {@code {id}} can name, made through the
 * api as the owner would (a dead letter the way a worker records one).
 */
final class Resources {
  /** A batch of one small simulation. */
  static final String BATCH =
      "{\"simulations\": [" + Api.units(4, 2) + "], \"overlap\": \"allow\"}";

  static final String CSV =
      "timestamp,open,high,low,close,volume\n"
          + "1700000000,100,101,99,100.5,1000\n"
          + "1700086400,100.5,102,100,101.5,1200\n";

  private final Api api;
  private final ChunkStore chunks;
  private final ChunkFailures failures;

  Resources(Api api, ChunkStore chunks, ChunkFailures failures) {
    this.api = api;
    this.chunks = chunks;
    this.failures = failures;
  }

  /** One owner's simulation (queued), dataset, and dead letter (of another simulation). */
  record Owned(String user, UUID simulation, UUID dataset, UUID deadLetter, UUID batchRun) {
    UUID of(Resource kind) {
      return switch (kind) {
        case SIMULATION -> simulation;
        case DATASET -> dataset;
        case DEAD_LETTER -> deadLetter;
        case BATCH_RUN -> batchRun;
        case NONE -> throw new IllegalArgumentException("no resource");
      };
    }
  }

  Owned of(String user) {
    return new Owned(user, simulation(user), dataset(user), deadLetter(user), batchRun(user));
  }

  /**
   * A run of batch {@link ApiRoutes#BATCH}, defined and started by {@code user} as an operator
   * (batches are operators' only).
   */
  UUID batchRun(String user) {
    Api.Reply defined =
        api.exchange(
            HttpRequest.PUT("/api/v1/batches/" + ApiRoutes.BATCH, BATCH)
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.operatorBearer(user)));
    if (defined.status() != 200 && defined.status() != 201) {
      throw new IllegalStateException("expected 200 or 201, got " + defined);
    }
    Api.Reply run =
        api.exchange(
            HttpRequest.POST("/api/v1/batches/" + ApiRoutes.BATCH + "/runs", "")
                .header(Api.AUTH, Api.operatorBearer(user)));
    check(run, 202);
    return run.id();
  }

  UUID simulation(String user) {
    Api.Reply submitted = api.submit(user, Api.units(4, 2));
    check(submitted, 202);
    return submitted.id();
  }

  UUID dataset(String user) {
    Api.Reply uploaded =
        api.exchange(
            HttpRequest.POST("/api/v1/datasets?name=prices", CSV)
                .contentType("text/csv")
                .header(Api.AUTH, Api.bearer(user)));
    check(uploaded, 201);
    return uploaded.id();
  }

  /** A 3-chunk simulation whose chunk 1 failed its last attempt: its dead letter's id. */
  UUID deadLetter(String user) {
    Api.Reply submitted =
        api.submit(
            user, Api.units(30, 10).replaceFirst("}$", ", \"failurePolicy\": {\"tolerate\": 1}}"));
    check(submitted, 202);
    UUID simulation = submitted.id();
    var claimed = (ChunkStore.Claimed) chunks.claim(simulation, 1, 0, Duration.ofMinutes(5));
    var failed =
        failures.deadLetter(
            new ChunkFailures.FailedAttempt(
                simulation,
                1,
                claimed.attempt(),
                null,
                "java.io.IOException: disk full",
                5,
                false));
    if (!(failed instanceof ChunkFailures.DeadLettered)) {
      throw new IllegalStateException("no dead letter: " + failed);
    }
    Api.Reply list = api.get(user, "/api/v1/dead-letters?simulationId=" + simulation);
    check(list, 200);
    JsonNode items = list.tree().get("items");
    return UUID.fromString(items.get(0).get("id").getStringValue());
  }

  private static void check(Api.Reply reply, int status) {
    if (reply.status() != status) {
      throw new IllegalStateException("expected " + status + ", got " + reply);
    }
  }
}
