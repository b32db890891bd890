package dev.simrun.api.datasets;

import io.micronaut.http.exceptions.ContentLengthExceededException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An upload that fails with 413 as soon as more than {@code limit} bytes have been read. */
final class LimitedUpload extends FilterInputStream {
  private final long limit;
  private long read;

  LimitedUpload(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) {
    read += n;
    if (read > limit) {
      throw new ContentLengthExceededException(limit, read);
    }
  }
}
