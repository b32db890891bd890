package dev.simrun.api.batches;

import dev.simrun.api.identity.Caller;
import dev.simrun.api.simulations.Submissions;
import dev.simrun.api.simulations.SubmitRequest;
import dev.simrun.kinds.FieldError;
import dev.simrun.problems.JsonErrors;
import dev.simrun.problems.ProblemException;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.Priority;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch's simulations: each template is a submit body, checked and planned exactly as {@code POST
 * /api/v1/simulations} checks and plans it, as the batch's owner; a template without a priority
 * gets {@code batch}.
 */
@Singleton
class BatchTemplates {
  private final Submissions submissions;
  private final JsonMapper json;

  BatchTemplates(Submissions submissions, JsonMapper json) {
    this.submissions = submissions;
    this.json = json;
  }

  /**
   * Plans every template as {@code owner} would submit it.
   *
   * @throws ProblemException listing every problem of every template, each field named {@code
   *     simulations[i].…}
   */
  List<NewSimulation> plan(String owner, List<JsonNode> templates) {
    Caller caller = new Caller(owner, true);
    List<NewSimulation> planned = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < templates.size(); i++) {
      String at = "simulations[" + i + "]";
      JsonNode template = templates.get(i);
      if (template == null || !template.isObject()) {
        errors.add(new FieldError(at, "must be a JSON object: a body of POST /api/v1/simulations"));
        continue;
      }
      SubmitRequest request;
      try {
        request = json.readValueFromTree(template, SubmitRequest.class);
      } catch (IOException | RuntimeException e) {
        String path = JsonErrors.path(e);
        errors.add(
            new FieldError(
                path == null || path.isEmpty() ? at : at + "." + path, JsonErrors.message(e)));
        continue;
      }
      if (request.priority() == null) {
        request =
            new SubmitRequest(
                request.kind(),
                request.params(),
                request.chunking(),
                Priority.BATCH.wire(),
                request.name(),
                request.failurePolicy());
      }
      try {
        planned.add(submissions.plan(caller, request, null));
      } catch (ProblemException e) {
        if (e.errors().isEmpty()) {
          errors.add(new FieldError(at, e.getMessage()));
        }
        for (FieldError error : e.errors()) {
          errors.add(new FieldError(at + "." + error.field(), error.message()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    return planned;
  }

  /** The templates as stored: a JSON array. */
  String write(List<JsonNode> templates) {
    try {
      return new String(json.writeValueAsBytes(templates), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored templates. */
  List<JsonNode> read(String stored) {
    try {
      JsonNode array = json.readValue(stored, JsonNode.class);
      List<JsonNode> templates = new ArrayList<>();
      array.values().forEach(templates::add);
      return templates;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
