package dev.simrun.e2e.console;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: both binaries are given, so
 * Selenium Manager never looks for (or downloads) one. A missing one fails the test with what to
 * install; {@code ./simrun test} installs both when it runs as root.
 */
final class Browser implements AutoCloseable {
  /** Only to stop a wait that can never end; no test expects anything near this slow. */
  static final Duration PATIENCE = Duration.ofMinutes(3);

  private final ChromeDriver driver;
  private final Path downloads;
  private final Path profile;

  private Browser(ChromeDriver driver, Path downloads, Path profile) {
    this.driver = driver;
    this.downloads = downloads;
    this.profile = profile;
  }

  static Browser start() {
    Path chromium = binary("SIMRUN_CHROMIUM", List.of("chromium", "chromium-browser"), "chromium");
    Path chromedriver = binary("SIMRUN_CHROMEDRIVER", List.of("chromedriver"), "chromium-driver");
    try {
      Path downloads = Files.createTempDirectory("simrun-downloads");
      Path profile = Files.createTempDirectory("simrun-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--user-data-dir=" + profile,
          "--window-size=1280,1000");
      // The page's console, to find what the Content-Security-Policy refused.
      options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
      options.setExperimentalOption(
          "prefs",
          Map.of(
              "download.default_directory",
              downloads.toString(),
              "download.prompt_for_download",
              false));
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(chromedriver.toFile())
              .usingAnyFreePort()
              .build();
      return new Browser(new ChromeDriver(service, options), downloads, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path binary(String variable, List<String> names, String debianPackage) {
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
    throw new IllegalStateException(
        "the browser tests need Debian's "
            + debianPackage
            + ": sudo apt-get install -y chromium chromium-driver (or set "
            + variable
            + ")");
  }

  void open(String url) {
    driver.get(url);
  }

  String path() {
    return (String) driver.executeScript("return location.pathname + location.search");
  }

  WebElement find(String css) {
    return await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> driver.findElement(By.cssSelector(css)), e -> e.isDisplayed());
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until the element's text satisfies {@code test}; returns the text. */
  String awaitText(String css, java.util.function.Predicate<String> test) {
    return await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> driver.findElement(By.cssSelector(css)).getText(), test);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  Object asyncScript(String js, Object... args) {
    driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(1));
    return driver.executeAsyncScript(js, args);
  }

  /** What the browser's console said the Content-Security-Policy refused since the last call. */
  List<String> policyViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy"))
        .toList();
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** A PNG of the viewport, as a person would see it, into {@link Screenshots#dir()}. */
  void screenshot(String name) {
    try {
      Path dir = Screenshots.dir();
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file the browser saved as {@code name}, once the download is complete. */
  Path downloaded(String name) {
    Path file = downloads.resolve(name);
    return await()
        .atMost(PATIENCE)
        .until(
            () -> {
              try (var files = Files.list(downloads)) {
                boolean inProgress =
                    files.anyMatch(f -> f.getFileName().toString().endsWith(".crdownload"));
                return !inProgress && Files.isRegularFile(file) ? file : null;
              }
            },
            java.util.Objects::nonNull);
  }

  @Override
  public void close() {
    driver.quit();
    for (Path dir : List.of(downloads, profile)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary folder left behind is no failure
      }
    }
  }

  /**
   * Where the screenshots go: {@code target/screenshots} of the working folder, so that a test run
   * changes no file of the repository; with {@code -Dsimrun.screenshots.update=true} (what {@code
   * ./simrun screenshots} passes) the repository's {@code docs/screenshots}, for the README.
   */
  static final class Screenshots {
    private Screenshots() {}

    static Path dir() {
      Path here = Path.of("").toAbsolutePath();
      if (Boolean.getBoolean("simrun.screenshots.update")) {
        for (Path p = here; p != null; p = p.getParent()) {
          if (Files.isDirectory(p.resolve("docs")) && Files.isRegularFile(p.resolve("simrun"))) {
            return p.resolve("docs/screenshots");
          }
        }
      }
      return here.resolve("target/screenshots");
    }
  }
}
