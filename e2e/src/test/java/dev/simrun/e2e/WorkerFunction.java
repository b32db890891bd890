package dev.simrun.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The worker as Cloud Functions runs it (decision 0034): the function archive that {@code ./mvnw
 * package} builds, unpacked as the Java runtime's build unpacks an uploaded source, and served by
 * Google's Functions Framework invoker, the program the runtime's image runs, with the archive's
 * one jar as the function's classpath and Micronaut's {@code HttpFunction} as the entry point. The
 * archive is read where the worker's build writes it (system property {@value #ARCHIVE_PROPERTY},
 * set by the e2e build); the e2e build copies the invoker to {@code target/function/}.
 */
public final class WorkerFunction {
  static final Path FILES = Path.of("target", "function");

  /** Where the e2e build says the worker's build wrote the function archive. */
  public static final String ARCHIVE_PROPERTY = "simrun.worker.function.archive";

  /** Google's Functions Framework invoker, a self-contained jar with Jetty inside. */
  public static final Path INVOKER = FILES.resolve("java-function-invoker.jar");

  /** The entry point, as {@code google_cloudfunctions2_function.build_config.entry_point}. */
  public static final String ENTRY_POINT = "io.micronaut.gcp.function.http.HttpFunction";

  private WorkerFunction() {}

  /**
   * The command that serves the function on {@code port}: the invoker with the function jar of a
   * fresh unpacking of the archive as its classpath.
   */
  public static List<String> command(int port) {
    Path jar = functionJar(unpack());
    return List.of(
        ServiceProcess.java(),
        "-Xmx512m",
        "-XX:+UseSerialGC",
        "-jar",
        INVOKER.toAbsolutePath().toString(),
        "--classpath",
        jar.toAbsolutePath().toString(),
        "--target",
        ENTRY_POINT,
        "--port",
        Integer.toString(port));
  }

  /** Unpacks the archive into a new folder under {@code target/function/}. */
  public static Path unpack() {
    Path archive = archive();
    if (!Files.isRegularFile(archive) || !Files.isRegularFile(INVOKER)) {
      throw new IllegalStateException(
          archive
              + " or "
              + INVOKER
              + " is missing: run the e2e tests through Maven's verify phase with the worker"
              + " (-pl e2e -am), whose package phase builds the function archive");
    }
    try {
      Path into = Files.createTempDirectory(FILES.toAbsolutePath(), "deployed-");
      try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          Path target = into.resolve(e.getName()).normalize();
          if (!target.startsWith(into)) {
            throw new IllegalStateException("archive entry outside its folder: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            copy(zip, target);
          }
        }
      }
      return into;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The function archive, as uploaded to the function's source bucket. */
  public static Path archive() {
    String path = System.getProperty(ARCHIVE_PROPERTY);
    if (path == null) {
      throw new IllegalStateException(
          "system property " + ARCHIVE_PROPERTY + " not set: run the e2e tests with Maven");
    }
    return Path.of(path);
  }

  /**
   * The jar the runtime's build gives the invoker: with no {@code pom.xml} or {@code build.gradle}
   * at the top, the top level must hold exactly one jar, and that jar alone is the classpath.
   */
  public static Path functionJar(Path unpacked) {
    try (Stream<Path> top = Files.list(unpacked)) {
      List<Path> entries = top.toList();
      if (entries.stream().anyMatch(p -> p.endsWith("pom.xml") || p.endsWith("build.gradle"))) {
        throw new IllegalStateException("a build file would make the runtime compile: " + entries);
      }
      List<Path> jars = entries.stream().filter(p -> p.toString().endsWith(".jar")).toList();
      if (jars.size() != 1) {
        throw new IllegalStateException("not exactly one jar at the top: " + entries);
      }
      return jars.getFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(InputStream in, Path target) throws IOException {
    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
  }
}
