package dev.simrun.api.datasets;

import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An upload that counts its bytes and fails with 413 as soon as more than {@code limit} have been
 * read, naming the line of the CSV in which the limit was passed.
 */
final class LimitedUpload extends FilterInputStream {
  private final long limit;
  private long read;
  private long newlines;

  LimitedUpload(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  /** The bytes read so far. */
  long bytesRead() {
    return read;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(buffer, offset, n);
    }
    return n;
  }

  private void count(byte[] buffer, int offset, int n) {
    int within = (int) Math.min(n, limit - read); // the bytes up to the limit
    for (int i = offset; i < offset + within; i++) {
      if (buffer[i] == '\n') {
        newlines++;
      }
    }
    read += n;
    if (read > limit) {
      String line = "line " + (newlines + 1);
      throw new ProblemException(
          ProblemTypes.PAYLOAD_TOO_LARGE,
          "the upload passes the limit of " + limit + " bytes in " + line + "; nothing was stored",
          List.of(new FieldError(line, "the file is larger than " + limit + " bytes")));
    }
  }
}
