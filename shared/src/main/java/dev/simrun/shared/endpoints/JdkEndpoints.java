package dev.simrun.shared.endpoints;

import dev.simrun.kinds.Endpoints;
import jakarta.inject.Singleton;
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
 * {@link Endpoints} over the JDK's HTTP client: HTTP/1.1, redirects not followed, one client for
 * the process, made on the first call (a process whose kinds call nothing never starts one). The
 * timeout holds for the whole exchange, the body included; the body is read into memory up to its
 * limit and no further.
 */
@Singleton
public class JdkEndpoints implements Endpoints {

  private volatile HttpClient client;

  @Override
  public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
    CompletableFuture<HttpResponse<byte[]>> call =
        client().sendAsync(request, info -> new LimitedBody(maxBodyBytes));
    HttpResponse<byte[]> response;
    try {
      response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      return new TimedOut();
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        return new TimedOut();
      }
      if (cause instanceof LimitedBody.TooLarge) {
        return new TooLarge();
      }
      return new Failed(String.valueOf(cause));
    }
    return new Answered(response.statusCode(), response.body());
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
          client = c;
        }
      }
    }
    return c;
  }
}
