package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Endpoints} over a test's own HTTP client, in place of the platform's: the same outcomes,
 * but a body is read whole before its size is checked, and only the URL is checked against the
 * {@link Egress} (hosts are not resolved). The tests' loopback server is the one allowed host.
 */
final class ClientEndpoints implements Endpoints {
  /** The host of the tests' own model server. */
  static final Egress EGRESS = Egress.allowing(List.of("127.0.0.1"));

  private final HttpClient client;

  ClientEndpoints(HttpClient client) {
    this.client = client;
  }

  @Override
  public Egress egress() {
    return EGRESS;
  }

  @Override
  public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes)
      throws InterruptedException {
    if (EGRESS.refusal(url).isPresent()) {
      return new Refused();
    }
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      HttpResponse<byte[]> response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return response.body().length > maxBodyBytes
          ? new TooLarge()
          : new Answered(response.statusCode(), response.body());
    } catch (TimeoutException e) {
      call.cancel(true);
      return new TimedOut();
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      return e.getCause() instanceof HttpTimeoutException ? new TimedOut() : new Failed();
    }
  }
}
