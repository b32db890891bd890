package dev.simrun.api.testing;

import dev.simrun.api.identity.Caller;
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
  /** The header a caller signs in with: {@code Authorization: Bearer <ID token>}. */
  public static final String AUTH = HttpHeaders.AUTHORIZATION;

  /** Who a request without a named user runs as. */
  public static final String DEFAULT_USER = "local";

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

  /**
   * The {@code Authorization} value of development user {@code user} ({@value #DEFAULT_USER} when
   * null): a real ID token signed by the emulator's issuer, which the api trusts in tests.
   */
  public static String bearer(String user) {
    return "Bearer " + TestStack.userToken(user == null ? DEFAULT_USER : user);
  }

  /** The {@code Authorization} value of development user {@code user} as an operator. */
  public static String operatorBearer(String user) {
    return "Bearer " + TestStack.userToken(user, "operator");
  }

  /** The owner the api stores for development user {@code user}: issuer and subject. */
  public static String owner(String user) {
    return Caller.of(TestStack.issuer(), user).owner();
  }

  public Reply submit(String owner, String body) {
    return exchange(post(owner, body));
  }

  public MutableHttpRequest<String> post(String owner, String body) {
    MutableHttpRequest<String> r =
        HttpRequest.POST("/api/v1/simulations", body).contentType(MediaType.APPLICATION_JSON);
    return r.header(AUTH, bearer(owner));
  }

  public Reply get(String owner, String uri) {
    MutableHttpRequest<Object> r = HttpRequest.GET(uri);
    return exchange(r.header(AUTH, bearer(owner)));
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
