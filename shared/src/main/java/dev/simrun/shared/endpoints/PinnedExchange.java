package dev.simrun.shared.endpoints;

import dev.simrun.kinds.Endpoints;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST over a connection to an address that was checked before: the socket is
 * connected to that address, never to a name resolved again, so what answers is what was checked.
 * For {@code https} the TLS handshake names the URL's host (SNI) and verifies the certificate
 * against it. The answer is read up to a body limit; {@link #abort} closes the connection from
 * another thread and ends any wait on it.
 */
final class PinnedExchange {

  /** The answer was not HTTP/1.x as this client reads it. */
  static final class NotHttp extends IOException {
    NotHttp(String what) {
      super(what);
    }
  }

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: .*)?");
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADER_LINES = 100;

  private final URI url;
  private final String host;
  private final boolean literalHost;
  private final int port;
  private final boolean tls;
  private final SSLSocketFactory tlsFactory;
  private Socket socket;
  private boolean aborted;

  /**
   * @param url the endpoint; its host names the server in {@code Host}, SNI and the certificate
   * @param host the URL's host as {@link dev.simrun.kinds.Egress#host} gives it
   * @param literalHost whether the host is an address rather than a name (no SNI then)
   * @param tlsFactory the TLS of {@code https} URLs: whom it trusts
   */
  PinnedExchange(URI url, String host, boolean literalHost, SSLSocketFactory tlsFactory) {
    this.url = url;
    this.tlsFactory = tlsFactory;
    this.host = host;
    this.literalHost = literalHost;
    this.tls = url.getScheme().equalsIgnoreCase("https");
    this.port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
  }

  /** Closes the connection, now or as soon as there is one; the exchange then fails. */
  synchronized void abort() {
    aborted = true;
    closeQuietly(socket);
  }

  private synchronized void attach(Socket s) throws IOException {
    if (aborted) {
      closeQuietly(s);
      throw new IOException("abandoned");
    }
    socket = s;
  }

  /**
   * Connects to the first of {@code addresses} that accepts, all of them checked by the caller,
   * posts {@code json} and reads the answer.
   *
   * @throws IOException when no address accepts, TLS fails, or the answer is broken or not HTTP
   */
  Endpoints.Outcome post(
      List<InetAddress> addresses, byte[] json, int timeoutMillis, int maxBodyBytes)
      throws IOException {
    try {
      Socket s = connect(addresses, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      if (tls) {
        s = handshake(s);
      }
      OutputStream out = s.getOutputStream();
      out.write(head(json.length));
      out.write(json);
      out.flush();
      return read(new BufferedInputStream(s.getInputStream()), maxBodyBytes);
    } finally {
      abort();
    }
  }

  private Socket connect(List<InetAddress> addresses, int timeoutMillis) throws IOException {
    IOException last = new IOException("no address");
    for (InetAddress address : addresses) {
      Socket s = new Socket();
      attach(s);
      try {
        s.connect(new InetSocketAddress(address, port), timeoutMillis);
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        last = e;
      }
    }
    throw last;
  }

  /** The TLS session over {@code plain}, verified against the URL's host. */
  private Socket handshake(Socket plain) throws IOException {
    SSLSocket ssl = (SSLSocket) tlsFactory.createSocket(plain, host, port, true);
    attach(ssl);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!literalHost) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    ssl.setSSLParameters(parameters);
    ssl.startHandshake();
    return ssl;
  }

  private byte[] head(int length) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String authority = host.contains(":") ? "[" + host + "]" : host;
    if (url.getPort() != -1) {
      authority += ":" + url.getPort();
    }
    return ("POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + authority
            + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
            + length
            + "\r\nConnection: close\r\nUser-Agent: simrun\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Endpoints.Outcome read(InputStream in, int limit) throws IOException {
    int status;
    Headers headers;
    do {
      String line = line(in);
      Matcher m = STATUS_LINE.matcher(line);
      if (!m.matches()) {
        throw new NotHttp("status line");
      }
      status = Integer.parseInt(m.group(1));
      headers = headers(in);
    } while (status >= 100 && status < 200 && status != 101);
    if (status == 101) {
      throw new NotHttp("switching protocols");
    }
    if (status == 204 || status == 304) {
      return new Endpoints.Answered(status, new byte[0]);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean whole;
    if (headers.chunked) {
      whole = chunked(in, body, limit);
    } else if (headers.contentLength >= 0) {
      if (headers.contentLength > limit) {
        return new Endpoints.TooLarge();
      }
      copy(in, body, headers.contentLength, true);
      whole = true;
    } else {
      whole = copy(in, body, limit + 1L, false) <= limit;
    }
    return whole ? new Endpoints.Answered(status, body.toByteArray()) : new Endpoints.TooLarge();
  }

  /** What of the headers matters here. */
  private record Headers(long contentLength, boolean chunked) {}

  private static Headers headers(InputStream in) throws IOException {
    long length = -1;
    boolean chunked = false;
    boolean encoded = false;
    for (int n = 0; ; n++) {
      if (n > MAX_HEADER_LINES) {
        throw new NotHttp("too many headers");
      }
      String line = line(in);
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new NotHttp("header");
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (name.equals("content-length")) {
        long l;
        try {
          l = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new NotHttp("content-length");
        }
        if (l < 0 || (length >= 0 && l != length)) {
          throw new NotHttp("content-length");
        }
        length = l;
      } else if (name.equals("transfer-encoding")) {
        encoded = true;
        chunked = value.endsWith("chunked");
      }
    }
    if (encoded) {
      // A transfer coding overrides Content-Length; one not ending in chunked runs to the close.
      return new Headers(-1, chunked);
    }
    return new Headers(length, false);
  }

  /** Reads a chunked body into {@code body}; false when it went past {@code limit}. */
  private static boolean chunked(InputStream in, ByteArrayOutputStream body, int limit)
      throws IOException {
    while (true) {
      String line = line(in);
      int semicolon = line.indexOf(';');
      String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new NotHttp("chunk size");
      }
      if (size < 0) {
        throw new NotHttp("chunk size");
      }
      if (size == 0) {
        for (int n = 0; !line(in).isEmpty(); n++) {
          if (n > MAX_HEADER_LINES) {
            throw new NotHttp("too many trailers");
          }
        }
        return true;
      }
      if (body.size() + size > limit) {
        return false;
      }
      copy(in, body, size, true);
      if (!line(in).isEmpty()) {
        throw new NotHttp("chunk end");
      }
    }
  }

  /**
   * Copies up to {@code count} bytes; with {@code exact}, fewer (the stream ended) is an error.
   * Returns how many were copied.
   */
  private static long copy(InputStream in, ByteArrayOutputStream to, long count, boolean exact)
      throws IOException {
    byte[] buffer = new byte[8192];
    long copied = 0;
    while (copied < count) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, count - copied));
      if (n < 0) {
        if (exact) {
          throw new NotHttp("body ended early");
        }
        break;
      }
      to.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  /** One line without its CRLF (or bare LF), at most {@value #MAX_LINE} bytes. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new NotHttp("ended mid-line");
      }
      if (c == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new NotHttp("line too long");
      }
      line.append((char) c);
    }
  }

  private static void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      // Closing is all that is left to do with it.
    }
  }
}
