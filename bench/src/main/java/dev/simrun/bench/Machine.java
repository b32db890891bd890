package dev.simrun.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What a result was measured on, as Markdown lines. */
final class Machine {
  private Machine() {}

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg where there is one. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static List<String> describe() {
    String os =
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch");
    String distro = field(Path.of("/etc/os-release"), "PRETTY_NAME", "=");
    if (distro != null) {
      os = distro.replace("\"", "") + ", " + os;
    }
    String memKb = field(Path.of("/proc/meminfo"), "MemTotal", ":");
    String memory = "unknown";
    if (memKb != null) {
      long kb = Long.parseLong(memKb.replaceAll("[^0-9]", ""));
      memory = String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
    }
    String cpu = field(Path.of("/proc/cpuinfo"), "model name", ":");
    return List.of(
        "- CPUs (`nproc`): "
            + nproc()
            + " (JVM sees "
            + Runtime.getRuntime().availableProcessors()
            + ")",
        "- CPU model: " + (cpu == null ? "unknown" : cpu),
        "- Memory: " + memory,
        "- JDK: "
            + System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version()
            + ", max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MiB, JVM arguments "
            + ManagementFactory.getRuntimeMXBean().getInputArguments(),
        "- OS: " + os);
  }

  /** The commit measured, and whether the working tree differed from it; "unknown" outside git. */
  static String revision() {
    String head = run("git", "rev-parse", "--short", "HEAD");
    if (head == null || head.isEmpty()) {
      return "unknown (not a git checkout)";
    }
    String changes = run("git", "status", "--porcelain", "--untracked-files=no");
    return "commit "
        + head
        + (changes == null || changes.isEmpty()
            ? ", clean working tree"
            : ", with uncommitted changes to tracked files");
  }

  private static String nproc() {
    String out = run("nproc");
    return out == null || out.isEmpty() ? "unknown" : out;
  }

  /** A command's trimmed output, or null if it cannot run or fails. */
  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The value of the first line {@code key<sep>value} of a file, trimmed; null if none. */
  private static String field(Path file, String key, String separator) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int at = line.indexOf(separator);
        if (at > 0 && line.substring(0, at).trim().equals(key)) {
          return line.substring(at + separator.length()).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
