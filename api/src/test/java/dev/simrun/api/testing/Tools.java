package dev.simrun.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real clients the tests drive as separate processes: curl and headless Chromium. A missing one
 * fails the test that needs it, never skips it: {@code ./simrun test} installs both when it runs as
 * root (as CI does), and says what to install otherwise.
 */
public final class Tools {
  /** Only to stop a hung client: no test expects a client to be anywhere near this slow. */
  private static final long HANG_MINUTES = 3;

  private Tools() {}

  /** What a finished process left: its exit code, standard output and standard error. */
  public record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  public static Path curl() {
    return find("curl", "SIMRUN_CURL", List.of("curl"), "apt-get install -y curl");
  }

  public static Path chromium() {
    return find(
        "Chromium",
        "SIMRUN_CHROMIUM",
        List.of("chromium", "chromium-browser", "google-chrome"),
        "apt-get install -y chromium");
  }

  private static Path find(String what, String variable, List<String> names, String install) {
    String chosen = System.getenv(variable);
    if (chosen != null && !chosen.isBlank()) {
      return Path.of(chosen);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return fail(
        what
            + " is not installed, and these tests need the real client. ./simrun test installs it"
            + " when run as root; otherwise `sudo "
            + install
            + "` (or point "
            + variable
            + " at the binary).");
  }

  private static String text(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Runs a command to its end and returns what it printed. */
  public static Run run(List<String> command) {
    try {
      Path out = Files.createTempFile("simrun-tool", ".out");
      Path err = Files.createTempFile("simrun-tool", ".err");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(HANG_MINUTES, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          p.waitFor();
          fail("hung for " + HANG_MINUTES + " minutes: " + command + "\n" + text(err));
        }
        return new Run(p.exitValue(), text(out), text(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
