package dev.simrun.kinds.forecast;

import dev.simrun.kinds.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
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
 * <p>An attempt fails, with one reason of a fixed vocabulary ({@link #REASONS}), never the words of
 * an exception or of what answered: {@code refused-address} (the platform would not call the URL or
 * an address its host resolves to: nothing was sent), {@code timeout} (no whole answer within
 * {@code timeout}), {@code connection-failed} (no connection, TLS, reset, not HTTP), {@code
 * bad-status} (a status other than 200, redirects included: they are not followed), {@code
 * too-large} (a body over {@value #MAX_BODY_BYTES} bytes) or {@code bad-response} (a body without a
 * finite {@code prediction}). Timeouts, failed connections, 408, 429 and 5xx are retried as the
 * {@link RetryPolicy} says; the others are not (a retry would get the same answer). Every failed
 * attempt counts towards the endpoint's {@link CircuitBreaker}, and while it is open no request
 * goes out ({@code circuit-open}). When no attempt succeeds the agent throws {@link AgentFailure}
 * with the last reason: its prediction for the day is missing and the reason is recorded with the
 * day.
 */
final class HttpAgent implements Forecaster {

  static final int MAX_BODY_BYTES = 64 * 1024;

  static final String REFUSED_ADDRESS = "refused-address";
  static final String TIMEOUT = "timeout";
  static final String CONNECTION_FAILED = "connection-failed";
  static final String BAD_STATUS = "bad-status";
  static final String BAD_RESPONSE = "bad-response";
  static final String TOO_LARGE = "too-large";
  static final String CIRCUIT_OPEN = "circuit-open";

  /** Every reason an http agent records for a day without its prediction. */
  static final List<String> REASONS =
      List.of(
          REFUSED_ADDRESS,
          TIMEOUT,
          CONNECTION_FAILED,
          BAD_STATUS,
          BAD_RESPONSE,
          TOO_LARGE,
          CIRCUIT_OPEN);

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
        throw new AgentFailure(CIRCUIT_OPEN);
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
    throw new AgentFailure(lastFailure);
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
      case Endpoints.TimedOut timedOut -> Attempt.failed(TIMEOUT, true);
      case Endpoints.TooLarge tooLarge -> Attempt.failed(TOO_LARGE, false);
      case Endpoints.Failed failed -> Attempt.failed(CONNECTION_FAILED, true);
      case Endpoints.Refused refused -> Attempt.failed(REFUSED_ADDRESS, false);
      case Endpoints.Answered answered -> read(answered);
    };
  }

  private Attempt read(Endpoints.Answered response) {
    int status = response.status();
    if (status != 200) {
      boolean retryable = status == 408 || status == 429 || status >= 500;
      return Attempt.failed(BAD_STATUS, retryable);
    }
    Answer answer;
    try {
      answer = json.readValue(response.body(), Answer.class);
    } catch (IOException | RuntimeException e) {
      return Attempt.failed(BAD_RESPONSE, false);
    }
    if (answer == null || answer.prediction() == null || !Double.isFinite(answer.prediction())) {
      return Attempt.failed(BAD_RESPONSE, false);
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
