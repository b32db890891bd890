package dev.simrun.api.simulations;

import dev.simrun.api.identity.Caller;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.problems.JsonErrors;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.datasets.StoredDatasets;
import dev.simrun.shared.simulations.ChunkSizing;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.Priority;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a submit request into a {@link NewSimulation}, or rejects it listing every field that is
 * wrong. Checks that need an earlier one to pass run after it: the kind must be known before its
 * params can be read, the params must be valid before they can be counted into chunks; the {@code
 * Idempotency-Key} header is checked last, once the body is known to be good.
 */
@Singleton
public class Submissions {
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_UNITS_PER_CHUNK = 1_000_000;
  static final int MAX_CHUNKS = 100_000;
  static final int MAX_NAME = 200;
  public static final int MAX_KEY = 200;
  static final String FAIL_FAST = "failFast";
  static final String TOLERATE = "tolerate";

  /** What a caller's value may not hold: PostgreSQL stores neither, in text nor in jsonb. */
  static final String UNSTORABLE = "must not contain NUL (U+0000) or half a surrogate pair";

  /** How much of an unknown kind's name a refusal repeats. */
  static final int ECHOED = 64;

  private final SimulationKinds kinds;
  private final JsonMapper json;
  private final StoredDatasets datasets;
  private final ChunkSizing sizing;

  Submissions(SimulationKinds kinds, JsonMapper json, StoredDatasets datasets, ChunkSizing sizing) {
    this.kinds = kinds;
    this.json = json;
    this.datasets = datasets;
    this.sizing = sizing;
  }

  public NewSimulation plan(Caller caller, @Nullable SubmitRequest request, @Nullable String key) {
    if (request == null) {
      throw new ProblemException(
          ProblemTypes.MALFORMED_BODY,
          "the body must be a JSON object",
          List.of(new FieldError("body", "a JSON object is required")));
    }
    List<FieldError> errors = new ArrayList<>();
    SimulationKind<?, ?, ?> kind = kind(request.kind(), errors);
    Integer perChunk = request.chunking() == null ? null : request.chunking().unitsPerChunk();
    if (perChunk != null && (perChunk < 1 || perChunk > MAX_UNITS_PER_CHUNK)) {
      errors.add(
          new FieldError("chunking.unitsPerChunk", "must be between 1 and " + MAX_UNITS_PER_CHUNK));
    }
    Priority priority = priority(request.priority(), errors);
    int tolerate = failurePolicy(request.failurePolicy(), errors);
    if (request.name() != null && request.name().length() > MAX_NAME) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
    }
    if (request.name() != null && !storable(request.name())) {
      errors.add(new FieldError("name", UNSTORABLE));
    }
    String unstorable = request.params() == null ? null : unstorable(request.params(), "params");
    if (unstorable != null) {
      errors.add(new FieldError(unstorable, UNSTORABLE));
    }
    if (kind == null) {
      throw ProblemException.invalid(errors);
    }
    // The kind validates and plans seeing only the caller's datasets: another owner's id gets the
    // very answer an unknown id gets, with nothing about the dataset in it.
    return datasets.asSeenBy(
        caller.owner(),
        () -> plan(kind, caller, request, priority, perChunk, key, tolerate, errors));
  }

  private <P> NewSimulation plan(
      SimulationKind<P, ?, ?> kind,
      Caller caller,
      SubmitRequest request,
      Priority priority,
      Integer perChunk,
      String key,
      int tolerate,
      List<FieldError> errors) {
    P params = params(kind, request, errors);
    if (params != null) {
      for (FieldError e : kind.validate(params)) {
        errors.add(new FieldError(paramsField(e.field()), e.message()));
      }
    }
    List<UUID> datasetIds = new ArrayList<>();
    if (params != null && errors.isEmpty()) {
      // Kinds check the datasets they read; this is the net for one that does not.
      for (String dataset : kind.datasetIds(params)) {
        if (datasets.info(dataset).isEmpty()) {
          errors.add(new FieldError("params", "no dataset '" + dataset + "'"));
        } else {
          datasetIds.add(UUID.fromString(dataset));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    long units = kind.unitCount(params);
    if (units < 1) {
      throw ProblemException.invalid(List.of(new FieldError("params", "describe no work")));
    }
    int size =
        perChunk != null
            ? perChunk
            : (int)
                Math.min(
                    sizing.unitsPerChunk(units, kind.unitCost(params), kind.chunkLoad()),
                    MAX_UNITS_PER_CHUNK);
    long chunks = Math.ceilDiv(units, size);
    if (chunks > MAX_CHUNKS) {
      long least = Math.ceilDiv(units, MAX_CHUNKS);
      throw ProblemException.invalid(
          List.of(
              new FieldError(
                  "chunking.unitsPerChunk",
                  String.format(
                      Locale.ROOT,
                      "%d units in chunks of %d make %d chunks, more than %d: use at least %d"
                          + " units per chunk",
                      units,
                      size,
                      chunks,
                      MAX_CHUNKS,
                      least))));
    }
    if (key != null && !validKey(key)) {
      throw ProblemException.badParameter(
          IDEMPOTENCY_KEY, "must be 1 to " + MAX_KEY + " printable ASCII characters");
    }
    return new NewSimulation(
        UUID.randomUUID(),
        caller.owner(),
        kind.name(),
        request.name(),
        priority,
        kinds.writeString(params),
        units,
        size,
        key,
        tolerate,
        datasetIds);
  }

  private <P> P params(
      SimulationKind<P, ?, ?> kind, SubmitRequest request, List<FieldError> errors) {
    if (request.params() == null) {
      errors.add(new FieldError("params", "is required"));
      return null;
    }
    try {
      return kinds.readParams(kind, json.writeValueAsString(request.params()));
    } catch (IOException e) {
      errors.add(new FieldError(paramsField(JsonErrors.path(e)), JsonErrors.message(e)));
      return null;
    }
  }

  private SimulationKind<?, ?, ?> kind(String name, List<FieldError> errors) {
    String known = "known kinds: " + String.join(", ", kinds.names());
    if (name == null || name.isBlank()) {
      errors.add(new FieldError("kind", "is required; " + known));
      return null;
    }
    return kinds
        .find(name)
        .orElseGet(
            () -> {
              String shown = name.length() <= ECHOED ? name : name.substring(0, ECHOED) + "…";
              errors.add(new FieldError("kind", "unknown kind '" + shown + "'; " + known));
              return null;
            });
  }

  private static Priority priority(String value, List<FieldError> errors) {
    if (value == null) {
      return Priority.INTERACTIVE;
    }
    for (Priority p : Priority.values()) {
      if (p.wire().equals(value)) {
        return p;
      }
    }
    errors.add(
        new FieldError(
            "priority", "must be " + Priority.INTERACTIVE.wire() + " or " + Priority.BATCH.wire()));
    return Priority.INTERACTIVE;
  }

  /** {@code "failFast"} (or absent) is 0; {@code {"tolerate": N}} is N. */
  private static int failurePolicy(@Nullable JsonNode policy, List<FieldError> errors) {
    if (policy == null || policy.isNull()) {
      return 0;
    }
    if (policy.isString() && policy.getStringValue().equals(FAIL_FAST)) {
      return 0;
    }
    if (policy.isObject() && policy.size() == 1 && policy.get(TOLERATE) != null) {
      JsonNode n = policy.get(TOLERATE);
      if (n.isNumber()
          && n.getNumberValue().doubleValue() == Math.rint(n.getNumberValue().doubleValue())
          && n.getNumberValue().doubleValue() >= 0
          && n.getNumberValue().doubleValue() <= MAX_CHUNKS) {
        return n.getNumberValue().intValue();
      }
      errors.add(
          new FieldError(
              "failurePolicy." + TOLERATE,
              "must be a whole number of chunks from 0 to " + MAX_CHUNKS));
      return 0;
    }
    errors.add(
        new FieldError(
            "failurePolicy",
            "must be \"" + FAIL_FAST + "\" or {\"" + TOLERATE + "\": N}, N failed chunks allowed"));
    return 0;
  }

  /** A kind's field in the request's terms: its params as a whole are {@code params}. */
  private static String paramsField(String field) {
    return field == null || field.isEmpty() || field.equals(FieldError.PARAMS)
        ? "params"
        : "params." + field;
  }

  /** Neither NUL nor half a surrogate pair: text PostgreSQL can store. */
  static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0 || Character.isLowSurrogate(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /** The path of the first string or key in {@code node} that is not {@link #storable}, or null. */
  @Nullable
  private static String unstorable(JsonNode node, String path) {
    if (node.isString()) {
      return storable(node.getStringValue()) ? null : path;
    }
    if (node.isArray()) {
      int i = 0;
      for (JsonNode item : node.values()) {
        String found = unstorable(item, path + "[" + i++ + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.entries()) {
        if (!storable(field.getKey())) {
          return path;
        }
        String found = unstorable(field.getValue(), path + "." + field.getKey());
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  public static boolean validKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY) {
      return false;
    }
    return key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
  }
}
