package dev.simrun.worker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.serviceauth.IdTokenVerifier;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Reason;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Rejected;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Verified;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How each verdict of the verifier becomes an answer, and which token the filter hands it. */
class TaskAuthFilterRefusalsTest {
  final AtomicReference<String> seen = new AtomicReference<>();

  TaskAuthFilter filterAnswering(IdTokenVerifier.Verification verdict) {
    return new TaskAuthFilter(
        token -> {
          seen.set(token);
          return verdict;
        });
  }

  static HttpRequest<?> push(String authorization) {
    var request = HttpRequest.POST("/tasks/v1/chunks", "{}");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  @Test
  void aVerifiedCallerGoesOn() {
    var filter = filterAnswering(new Verified("a@b", "1", Instant.EPOCH));
    assertThat(filter.authenticate(push("Bearer abc.def.ghi"))).isNull();
    assertThat(seen.get()).isEqualTo("abc.def.ghi");
    assertThat(filter.authenticate(push("bearer   xyz "))).isNull();
    assertThat(seen.get()).as("the scheme is case-insensitive").isEqualTo("xyz");
  }

  @Test
  void onlyABearerCredentialIsATokenAtAll() {
    var filter = filterAnswering(new Rejected(Reason.MISSING, "none"));
    filter.authenticate(push("Basic dXNlcjpwYXNz"));
    assertThat(seen.get()).isNull();
    filter.authenticate(push(null));
    assertThat(seen.get()).isNull();
  }

  @Test
  void eachRefusalHasItsStatus() {
    HttpResponse<?> missing =
        filterAnswering(new Rejected(Reason.MISSING, "")).authenticate(push(null));
    assertThat(missing.code()).isEqualTo(401);
    assertThat(missing.getHeaders().get("WWW-Authenticate")).isEqualTo("Bearer");

    HttpResponse<?> expired =
        filterAnswering(new Rejected(Reason.EXPIRED, "")).authenticate(push("Bearer x"));
    assertThat(expired.code()).isEqualTo(401);
    assertThat(expired.getHeaders().get("WWW-Authenticate"))
        .isEqualTo("Bearer error=\"invalid_token\"");

    HttpResponse<?> forbidden =
        filterAnswering(new Rejected(Reason.ACCOUNT_NOT_ALLOWED, ""))
            .authenticate(push("Bearer x"));
    assertThat(forbidden.code()).isEqualTo(403);

    HttpResponse<?> unavailable =
        filterAnswering(new Rejected(Reason.KEYS_UNAVAILABLE, "")).authenticate(push("Bearer x"));
    assertThat(unavailable.code()).isEqualTo(503);
    assertThat(unavailable.getHeaders().get("Retry-After")).isEqualTo("5");
    assertThat(unavailable.getContentType())
        .hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("application/problem+json"));
  }
}
