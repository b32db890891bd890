package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Endpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Endpoints} over a test's own HTTP client, in place of the platform's: the same outcomes,
 * but a body is read whole before its size is checked.
 */
final class ClientEndpoints implements Endpoints {
  private final HttpClient client;

  ClientEndpoints(HttpClient client) {
    this.client = client;
  }

  @Override
  public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes)
      throws InterruptedException {
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
      return e.getCause() instanceof HttpTimeoutException
          ? new TimedOut()
          : new Failed(String.valueOf(e.getCause()));
    }
  }
}
