package dev.simrun.api.limits;

import dev.simrun.api.datasets.DatasetsConfig;
import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.body.ByteBody;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Holds request bodies to their route's limit: {@link DatasetsConfig#maxUploadBytes()} for dataset
 * uploads, {@link BodyLimits#maxBodyBytes()} everywhere else.
 *
 * <p>A body that declares a {@code Content-Length} over the limit is refused with 413 before any of
 * it is read; a client that sent {@code Expect: 100-continue} gets the 413 instead of {@code 100
 * Continue} and need not send the body at all. A body of unknown length (chunked) on a route other
 * than uploads is counted as it arrives, before the route sees it, and refused with 413 once it
 * passes the limit; the upload route counts its own ({@code LimitedUpload}), as it parses.
 *
 * <p>Every 413 closes the connection ({@code Connection: close}): the client may still be sending a
 * body nobody will read. {@link LingeringClose} lets the client read the answer before the close.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class BodyLimitFilter {
  static final String UPLOADS = "/api/v1/datasets";

  private final BodyLimits limits;
  private final DatasetsConfig uploads;

  BodyLimitFilter(BodyLimits limits, DatasetsConfig uploads) {
    this.limits = limits;
    this.uploads = uploads;
  }

  @ResponseFilter
  void closeAfterTooLarge(MutableHttpResponse<?> response) {
    if (response.code() == HttpStatus.REQUEST_ENTITY_TOO_LARGE.getCode()) {
      response.header(HttpHeaders.CONNECTION, "close");
    }
  }

  /**
   * Completes with the request to let it through, fails with a 413 problem to refuse it. (Not with
   * null, as a filter that lets a request through usually says: when such a future completes after
   * the filter has returned, Micronaut 4.10 skips the rest of the chain for the null and answers an
   * empty 503.)
   */
  @RequestFilter
  CompletableFuture<HttpRequest<?>> limit(HttpRequest<?> request) {
    CompletableFuture<HttpRequest<?>> pass = CompletableFuture.completedFuture(request);
    if (!request.getMethod().permitsRequestBody()) {
      return pass;
    }
    boolean upload = isUpload(request.getPath());
    long limit = upload ? uploads.maxUploadBytes() : limits.maxBodyBytes();
    long declared = request.getContentLength();
    if (declared > limit) {
      throw upload ? uploadTooLarge(declared, limit) : tooLarge(request, declared, limit);
    }
    if (declared < 0
        && !upload
        && request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING)
        && request instanceof ServerHttpRequest<?> server) {
      return countAsItArrives(server, limit);
    }
    return pass;
  }

  /** The upload route, with or without a trailing slash. */
  static boolean isUpload(String path) {
    return path.equals(UPLOADS) || path.equals(UPLOADS + "/");
  }

  private static ProblemException uploadTooLarge(long declared, long limit) {
    return new ProblemException(
        ProblemTypes.PAYLOAD_TOO_LARGE,
        "the upload declares "
            + declared
            + " bytes; at most "
            + limit
            + " are taken; nothing was stored",
        List.of(new FieldError("Content-Length", "must be at most " + limit + " bytes")));
  }

  private static ProblemException tooLarge(HttpRequest<?> request, long declared, long limit) {
    return new ProblemException(
        ProblemTypes.PAYLOAD_TOO_LARGE,
        "the body declares " + declared + " bytes; " + route(request) + " takes at most " + limit,
        List.of(new FieldError("Content-Length", "must be at most " + limit + " bytes")));
  }

  private static String route(HttpRequest<?> request) {
    return request.getMethodName() + " " + request.getPath();
  }

  /**
   * Reads a copy of the body as it arrives and fails once more than {@code limit} bytes have come.
   * The route reads the body afterwards from what was kept for it, at most {@code limit} bytes.
   */
  private static CompletableFuture<HttpRequest<?>> countAsItArrives(
      ServerHttpRequest<?> request, long limit) {
    CompletableFuture<HttpRequest<?>> verdict = new CompletableFuture<>();
    request
        .byteBody()
        .split(ByteBody.SplitBackpressureMode.FASTEST)
        .toByteArrayPublisher()
        .subscribe(
            new Subscriber<byte[]>() {
              private Subscription subscription;
              private long received;

              @Override
              public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(byte[] bytes) {
                received += bytes.length;
                if (received > limit && !verdict.isDone()) {
                  subscription.cancel();
                  verdict.completeExceptionally(
                      new ProblemException(
                          ProblemTypes.PAYLOAD_TOO_LARGE,
                          "the body, sent without Content-Length, passed "
                              + limit
                              + " bytes, the most "
                              + route(request)
                              + " takes",
                          List.of(new FieldError("body", "must be at most " + limit + " bytes"))));
                }
              }

              @Override
              public void onError(Throwable t) {
                verdict.completeExceptionally(t);
              }

              @Override
              public void onComplete() {
                verdict.complete(request);
              }
            });
    return verdict;
  }
}
