package dev.simrun.api.testing;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/** Real HTTP against the running api, answering every status instead of throwing on 4xx. */
public final class Api {
  public static final String USER = "X-SimRun-User";
  public static final String PROBLEM_JSON = "application/problem+json";

  private final HttpClient http;
  private final JsonMapper json;

  public Api(HttpClient http, JsonMapper json) {
    this.http = http;
    this.json = json;
  }

  /** What came back. */
  public record Reply(int status, HttpHeaders headers, String body, JsonMapper json) {
    public JsonNode tree() {
      try {
        return json.readValue(body, JsonNode.class);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String contentType() {
      return headers.getContentType().orElse("");
    }

    public String text(String field) {
      JsonNode n = tree().get(field);
      return n == null || n.isNull() ? null : n.coerceStringValue();
    }

    public UUID id() {
      return UUID.fromString(text("id"));
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Reply submit(String owner, String body) {
    return exchange(post(owner, body));
  }

  public MutableHttpRequest<String> post(String owner, String body) {
    MutableHttpRequest<String> r =
        HttpRequest.POST("/api/v1/simulations", body).contentType(MediaType.APPLICATION_JSON);
    return owner == null ? r : r.header(USER, owner);
  }

  public Reply get(String owner, String uri) {
    MutableHttpRequest<Object> r = HttpRequest.GET(uri);
    return exchange(owner == null ? r : r.header(USER, owner));
  }

  public Reply exchange(HttpRequest<?> request) {
    try {
      HttpResponse<String> r =
          http.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
      return new Reply(r.code(), r.getHeaders(), r.getBody().orElse(""), json);
    } catch (HttpClientResponseException e) {
      HttpResponse<?> r = e.getResponse();
      return new Reply(r.code(), r.getHeaders(), r.getBody(String.class).orElse(""), json);
    }
  }

  /** A submit body for {@link TestKind}. */
  public static String units(long units, int perChunk) {
    return "{\"kind\":\"test-units\",\"params\":{\"units\":"
        + units
        + "},\"chunking\":{\"unitsPerChunk\":"
        + perChunk
        + "}}";
  }
}
