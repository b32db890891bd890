package dev.simrun.api.limits;

import dev.simrun.api.problems.ProblemException;
import dev.simrun.api.problems.ProblemType;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Holds request bodies to {@link BodyLimits#maxBodyBytes()} everywhere but dataset uploads, before
 * any of the body is read. The transport admits bodies up to the upload limit, so a body here must
 * declare its length: one sent without {@code Content-Length} (chunked) is refused with 411, one
 * declaring more than the limit with 413.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class BodyLimitFilter {
  static final String UPLOADS = "/api/v1/datasets";

  private final BodyLimits limits;

  BodyLimitFilter(BodyLimits limits) {
    this.limits = limits;
  }

  /**
   * A body refused as too large may still be arriving; closing the connection after the answer
   * stops it, where keeping the connection alive would leave a client that sends the whole body
   * before reading (as most do) blocked on a server that no longer reads.
   */
  @ResponseFilter
  void closeAfterTooLarge(MutableHttpResponse<?> response) {
    if (response.code() == HttpStatus.REQUEST_ENTITY_TOO_LARGE.getCode()) {
      response.header(HttpHeaders.CONNECTION, "close");
    }
  }

  @RequestFilter
  void limit(HttpRequest<?> request) {
    HttpMethod method = request.getMethod();
    if (!method.permitsRequestBody() || request.getPath().equals(UPLOADS)) {
      return;
    }
    HttpHeaders headers = request.getHeaders();
    long length = headers.contentLength().orElse(-1L);
    if (length > limits.maxBodyBytes()) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "the body has "
              + length
              + " bytes; "
              + request.getPath()
              + " takes at most "
              + limits.maxBodyBytes());
    }
    if (length < 0 && headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      throw new ProblemException(
          ProblemType.LENGTH_REQUIRED,
          "a body sent to " + request.getPath() + " must declare its Content-Length");
    }
  }
}
