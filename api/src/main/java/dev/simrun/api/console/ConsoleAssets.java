package dev.simrun.api.console;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The console's files, read once from {@code console/} on the classpath (a folder in development,
 * the api's jar in production) and kept in memory: they are a few dozen kilobytes. Their {@link
 * #version()} is a hash of every path and byte, so the URLs of a release change exactly when what
 * they hold does, and browsers may cache them for a year.
 */
@Singleton
final class ConsoleAssets {
  static final String ROOT = "console/";

  /** Generated: the examples beside their kind and name, for the "start from an example" list. */
  static final String EXAMPLES_INDEX = "examples/index.json";

  private final Map<String, byte[]> files;
  private final String version;

  ConsoleAssets(JsonMapper json) {
    Map<String, byte[]> read = read();
    read.put(EXAMPLES_INDEX, examplesIndex(read, json));
    this.files = Map.copyOf(read);
    this.version = hash(new TreeMap<>(read));
  }

  /** The first 12 hex digits of SHA-256 over every file's path and bytes. */
  String version() {
    return version;
  }

  /** The file at {@code path} under {@code console/}, if there is one. */
  Optional<byte[]> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  private static Map<String, byte[]> read() {
    URL shell = ConsoleAssets.class.getClassLoader().getResource(ROOT + "index.html");
    if (shell == null) {
      throw new IllegalStateException("the console is missing from the classpath: " + ROOT);
    }
    try {
      URI uri = shell.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return readTree(jar.getPath("/" + ROOT));
        }
      }
      return readTree(Path.of(uri).getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, byte[]> readTree(Path root) throws IOException {
    Map<String, byte[]> read = new LinkedHashMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        String relative = root.relativize(p).toString().replace('\\', '/');
        read.put(relative, Files.readAllBytes(p));
      }
    }
    return read;
  }

  private static byte[] examplesIndex(Map<String, byte[]> files, JsonMapper json) {
    List<Map<String, String>> examples = new ArrayList<>();
    for (Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
      if (!f.getKey().startsWith("examples/") || !f.getKey().endsWith(".json")) {
        continue;
      }
      try {
        JsonNode example = json.readValue(f.getValue(), JsonNode.class);
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("file", f.getKey().substring("examples/".length()));
        entry.put("kind", text(example, "kind"));
        entry.put("name", text(example, "name"));
        examples.add(entry);
      } catch (IOException e) {
        throw new IllegalStateException("example " + f.getKey() + " is not JSON", e);
      }
    }
    try {
      return json.writeValueAsBytes(examples);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isString() ? "" : v.getStringValue();
  }

  private static String hash(Map<String, byte[]> sorted) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Entry<String, byte[]> f : sorted.entrySet()) {
        sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(f.getValue());
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A resource of a WebJar, e.g. {@code uplot/1.6.30/dist/uPlot.esm.js}; the version is in it. */
  static Optional<byte[]> webJar(String path) {
    if (path.contains("..") || path.contains("//") || path.startsWith("/")) {
      return Optional.empty();
    }
    try (InputStream in =
        ConsoleAssets.class
            .getClassLoader()
            .getResourceAsStream("META-INF/resources/webjars/" + path)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
