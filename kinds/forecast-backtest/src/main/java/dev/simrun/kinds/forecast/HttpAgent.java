package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.BooleanSupplier;

/**
 * An agent backed by an external model: each day it POSTs the history window as JSON to {@code url}
 * (through the platform's {@link Endpoints}) and reads the prediction from the answer.
 *
 * <pre>{@code
 * → {"agent": "remote", "day": 41, "from": 14, "history": [101.2, 99.8, ...]}
 * ← {"prediction": 102.7}
 * }</pre>
 *
 * {@code from} is the day of {@code history[0]}; the prediction is for day {@code day + 1}.
 *
 * <p>An attempt fails on a timeout (the whole exchange, body included, within {@code timeout}), an
 * I/O error, a status other than 200, a body over {@value #MAX_BODY_BYTES} bytes, or a body without
 * a finite {@code prediction}. Timeouts, I/O errors, 408, 429 and 5xx are retried as the {@link
 * RetryPolicy} says; the others are not (a retry would get the same answer). Every failed attempt
 * counts towards the endpoint's {@link CircuitBreaker}, and while it is open no request goes out.
 * When no attempt succeeds the agent throws {@link AgentFailure}: its prediction for the day is
 * missing and the reason is recorded with the day.
 */
final class HttpAgent implements Forecaster {

  static final int MAX_BODY_BYTES = 64 * 1024;

  /** The request body. */
  @Serdeable
  record Request(String agent, long day, long from, double[] history) {}

  /** The answer's body; other fields are ignored. */
  @Serdeable
  record Answer(@Nullable Double prediction) {}

  private final String name;
  private final URI url;
  private final RetryPolicy retry;
  private final CircuitBreaker breaker;
  private final Endpoints endpoints;
  private final ObjectMapper json;
  private final BooleanSupplier cancelled;

  HttpAgent(
      String name,
      URI url,
      RetryPolicy retry,
      CircuitBreaker breaker,
      Endpoints endpoints,
      ObjectMapper json,
      BooleanSupplier cancelled) {
    this.name = name;
    this.url = url;
    this.retry = retry;
    this.breaker = breaker;
    this.endpoints = endpoints;
    this.json = json;
    this.cancelled = cancelled;
  }

  /**
   * @throws dev.simrun.kinds.ChunkCancelledException when the chunk is cancelled during a backoff
   */
  @Override
  public double predict(long day, double[] history) throws InterruptedException {
    byte[] body = write(new Request(name, day, day - history.length + 1, history));
    String lastFailure = null;
    int attempts = 0;
    while (attempts < retry.maxAttempts()) {
      if (attempts > 0) {
        Pause.sleep(retry.backoffBefore(attempts).toMillis(), cancelled);
      }
      if (!breaker.tryAcquire()) {
        throw new AgentFailure(
            lastFailure == null
                ? "circuit open"
                : failed(lastFailure, attempts) + ", circuit open");
      }
      attempts++;
      Attempt outcome;
      try {
        outcome = attempt(body);
      } catch (InterruptedException | RuntimeException e) {
        breaker.onAbandoned();
        throw e;
      }
      if (outcome.prediction() != null) {
        breaker.onSuccess();
        return outcome.prediction();
      }
      breaker.onFailure();
      lastFailure = outcome.failure();
      if (!outcome.retryable()) {
        break;
      }
    }
    throw new AgentFailure(failed(lastFailure, attempts));
  }

  private static String failed(String lastFailure, int attempts) {
    return attempts == 1 ? lastFailure : lastFailure + " after " + attempts + " attempts";
  }

  /** One attempt's outcome: a prediction, or why not and whether to try again. */
  private record Attempt(@Nullable Double prediction, String failure, boolean retryable) {
    static Attempt failed(String failure, boolean retryable) {
      return new Attempt(null, failure, retryable);
    }
  }

  private Attempt attempt(byte[] body) throws InterruptedException {
    Endpoints.Outcome outcome = endpoints.postJson(url, body, retry.timeout(), MAX_BODY_BYTES);
    return switch (outcome) {
      case Endpoints.TimedOut timedOut ->
          Attempt.failed("timeout after " + retry.timeout().toMillis() + " ms", true);
      case Endpoints.TooLarge tooLarge ->
          Attempt.failed("answer over " + MAX_BODY_BYTES + " bytes", false);
      case Endpoints.Failed failed -> Attempt.failed("I/O error: " + failed.error(), true);
      case Endpoints.Answered answered -> read(answered);
    };
  }

  private Attempt read(Endpoints.Answered response) {
    int status = response.status();
    if (status != 200) {
      boolean retryable = status == 408 || status == 429 || status >= 500;
      return Attempt.failed("HTTP " + status, retryable);
    }
    Answer answer;
    try {
      answer = json.readValue(response.body(), Answer.class);
    } catch (IOException | RuntimeException e) {
      return Attempt.failed("unreadable answer: " + e.getMessage(), false);
    }
    if (answer == null || answer.prediction() == null || !Double.isFinite(answer.prediction())) {
      return Attempt.failed("answer has no finite prediction", false);
    }
    return new Attempt(answer.prediction(), null, false);
  }

  private byte[] write(Request request) {
    try {
      return json.writeValueAsBytes(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
