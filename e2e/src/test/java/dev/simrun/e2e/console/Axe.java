package dev.simrun.e2e.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * axe-core, the accessibility checker, without Node.js: its npm tarball, fetched once from the
 * registry and checked against the integrity the registry publishes for this version (pinned here),
 * then {@code axe.min.js} injected into the page under test.
 */
final class Axe {
  static final String VERSION = "4.10.2";
  static final String TARBALL =
      "https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz";
  static final String INTEGRITY =
      "sha512-RE3mdQ7P3FRSe7eqCWoeQ/Z9QXrtniSjp1wUjt5nRC3WIpz5rSCve6o3fsZ2aCpJtrZjSZgjwXAoTO5k4tEI0w==";

  private static String source;

  private Axe() {}

  /** The violations of impact "critical" on the page the browser shows: rule id and targets. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> criticalViolations(Browser browser) {
    browser.script(source());
    Object found =
        browser.asyncScript(
            "const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done("
                + "r.violations.filter(v => v.impact === 'critical').map(v => ({id: v.id,"
                + " help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))),"
                + " e => done([{id: 'axe-error', help: String(e)}]));");
    return (List<Map<String, Object>>) found;
  }

  private static synchronized String source() {
    if (source == null) {
      source = new String(extract(tarball(), "package/axe.min.js"), StandardCharsets.UTF_8);
    }
    return source;
  }

  private static byte[] tarball() {
    Path cached = Path.of("target", "axe-core-" + VERSION + ".tgz");
    try {
      if (Files.isRegularFile(cached) && integrity(Files.readAllBytes(cached)).equals(INTEGRITY)) {
        return Files.readAllBytes(cached);
      }
      HttpResponse<byte[]> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(20))
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(TARBALL))
                      .timeout(Duration.ofMinutes(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(TARBALL + " answered " + r.statusCode());
      }
      String got = integrity(r.body());
      if (!got.equals(INTEGRITY)) {
        throw new IllegalStateException(TARBALL + " has integrity " + got + ", not " + INTEGRITY);
      }
      Files.createDirectories(cached.getParent());
      Files.write(cached, r.body());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("could not fetch " + TARBALL, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String integrity(byte[] bytes) {
    try {
      return "sha512-"
          + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One file of a gzipped tar (ustar headers of 512 bytes, each file padded to 512). */
  private static byte[] extract(byte[] tgz, String name) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String entry = new String(header, 0, 100, StandardCharsets.US_ASCII).trim();
        entry = entry.indexOf(0) >= 0 ? entry.substring(0, entry.indexOf(0)) : entry;
        String octal = new String(header, 124, 12, StandardCharsets.US_ASCII).trim();
        octal = octal.indexOf(0) >= 0 ? octal.substring(0, octal.indexOf(0)) : octal;
        long size = Long.parseLong(octal.isEmpty() ? "0" : octal, 8);
        byte[] body = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (entry.equals(name)) {
          return body;
        }
      }
      throw new IllegalStateException(name + " is not in " + TARBALL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
