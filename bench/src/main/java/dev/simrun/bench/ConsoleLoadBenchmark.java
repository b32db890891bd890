package dev.simrun.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * How soon the console's first page is usable: a signed-in person opens {@code /} in a fresh
 * headless Chromium (empty cache, new profile) and the list of their simulations appears, rows and
 * all. Beside it, in the same run and the same way, the baseline: Swagger UI, the widely used API
 * console the same api serves at {@code /api/docs}, usable when its operations appear.
 *
 * <p>The time is the page's own clock ({@code performance.now()}, from the start of the navigation)
 * when the page first holds what makes it usable, read by polling every few milliseconds. The api
 * (its JVM warmed by a few loads first), PostgreSQL and the Cloud Tasks emulator run as the local
 * stack runs them; the list holds {@value #SIMULATIONS} simulations. Results go to {@code
 * bench/results/console-load.md}.
 */
public final class ConsoleLoadBenchmark {
  static final int SIMULATIONS = 20;
  static final int WARMUP = 3;
  static final int ROUNDS = 15;
  static final String USER = "console-bench";
  static final String PROJECT = "simrun-bench";
  static final String LOCATION = "local";
  static final String QUEUE =
      "projects/" + PROJECT + "/locations/" + LOCATION + "/queues/simulations-interactive";

  static final String CONSOLE = "#simulations tbody tr";
  static final String SWAGGER = ".opblock";

  static final String COMMAND =
      "./mvnw -B -q -pl bench -am package -DskipTests && java -cp"
          + " \"$(cat bench/target/classpath.txt):bench/target/classes\""
          + " dev.simrun.bench.ConsoleLoadBenchmark [--rounds=N]";

  private ConsoleLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = ROUNDS;
    for (String a : args) {
      if (a.startsWith("--rounds=")) {
        rounds = Integer.parseInt(a.substring("--rounds=".length()));
      }
    }
    Instant started = Instant.now();
    Path runDir = Stats.runDir("console", started);
    String loadBefore = Machine.loadAverage();
    List<String> apiJvm = new ArrayList<>(PipelineThroughputBenchmark.SERVICE_JVM);
    apiJvm.add("-Xmx512m");
    List<double[]> measured = new ArrayList<>();
    String postgres;
    try (BenchPostgres pg = BenchPostgres.start();
        ServiceProcess emulator =
            ServiceProcess.startEmulator(
                ServiceProcess.freePort(),
                List.of("--queue", QUEUE),
                List.of("--enable-native-access=ALL-UNNAMED", "-Xss512k", "-Xmx512m"),
                runDir)) {
      postgres = pg.describe();
      String db = pg.createDatabase("simrun_console");
      Map<String, String> env =
          ServiceProcess.serviceEnv(db, PROJECT, LOCATION, emulator.endpoint());
      int workerPort = ServiceProcess.freePort();
      env.put("SIMRUN_TASKS_WORKER_URL", "http://127.0.0.1:" + workerPort);
      env.put("SIMRUN_AUTH_ISSUER", emulator.url());
      env.put("SIMRUN_AUTH_AUDIENCE", "http://127.0.0.1:" + workerPort);
      try (ServiceProcess api =
          ServiceProcess.start(
              "api",
              ServiceProcess.freePort(),
              "dev.simrun.api.Application",
              "worker",
              env,
              apiJvm,
              runDir)) {
        for (int i = 0; i < SIMULATIONS; i++) {
          api.submit(
              USER,
              "{\"kind\": \"strategy-backtest\", \"name\": \"sweep "
                  + i
                  + "\", \"params\": {\"data\": {\"synthetic\": {\"symbols\": [\"AAA\"],"
                  + " \"bars\": 2000, \"seed\": "
                  + i
                  + "}}, \"strategy\": \"sma-crossover\", \"grid\": {\"fast\": [5], \"slow\": [30]}}}");
        }
        String session = session(api.url());
        System.out.printf(
            Locale.ROOT,
            "Console load: %d warm-up + %d rounds; logs in %s%n",
            WARMUP,
            rounds,
            runDir);
        for (int r = 0; r < WARMUP + rounds; r++) {
          // Which page goes first alternates, so neither always meets a warmer machine.
          boolean consoleFirst = r % 2 == 0;
          double first = load(api.url(), session, consoleFirst);
          double second = load(api.url(), session, !consoleFirst);
          double console = consoleFirst ? first : second;
          double swagger = consoleFirst ? second : first;
          String label = r < WARMUP ? "warm-up" : "round " + (r - WARMUP + 1);
          System.out.printf(
              Locale.ROOT,
              "  %-9s console %7.1f ms | Swagger UI %7.1f ms%n",
              label,
              console,
              swagger);
          if (r >= WARMUP) {
            measured.add(new double[] {console, swagger});
          }
        }
      }
    }
    String loadAfter = Machine.loadAverage();
    Path out = Stats.resultsDir().resolve("console-load.md");
    Files.writeString(out, report(started, measured, postgres, loadBefore, loadAfter));
    System.out.println("Written to " + out);
  }

  /** The session cookie's value for {@link #USER}, as the console's sign-in gets it. */
  static String session(String api) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api + "/api/v1/session"))
                    .header("Authorization", ServiceProcess.bearer(USER))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(""))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring("simrun_session=".length(), cookie.indexOf(';'));
  }

  /**
   * Opens one page in a fresh browser and returns, in ms from the start of its navigation, when it
   * first held what makes it usable.
   */
  static double load(String api, String session, boolean console) throws IOException {
    Path profile = Files.createTempDirectory("simrun-bench-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.setPageLoadStrategy(PageLoadStrategy.NONE);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1280,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      // The cookie belongs to the api's origin: set it on a page of that origin first.
      driver.get(api + "/health");
      await(driver, "document.readyState === 'complete'");
      driver.manage().addCookie(new Cookie.Builder("simrun_session", session).path("/").build());
      driver.get(api + (console ? "/" : "/api/docs"));
      String selector = console ? CONSOLE : SWAGGER;
      Object at =
          await(
              driver,
              "location.pathname === '"
                  + (console ? "/" : "/api/docs")
                  + "' && document.querySelector('"
                  + selector
                  + "')");
      return ((Number) at).doubleValue();
    } finally {
      driver.quit();
      deleteTree(profile);
    }
  }

  /** Polls until {@code condition} holds in the page; the page's clock then. */
  static Object await(ChromeDriver driver, String condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Object at;
      try {
        at = driver.executeScript("return (" + condition + ") ? performance.now() : null");
      } catch (RuntimeException navigating) {
        at = null;
      }
      if (at != null) {
        return at;
      }
      sleep(3);
    }
    throw new IllegalStateException("not within 60 s: " + condition);
  }

  static String report(
      Instant started,
      List<double[]> measured,
      String postgres,
      String loadBefore,
      String loadAfter) {
    double console = Stats.median(measured, m -> m[0]);
    double swagger = Stats.median(measured, m -> m[1]);
    StringBuilder md = new StringBuilder();
    md.append("# Console load: the first page, usable, in a fresh browser\n\n");
    md.append("Benchmark: `dev.simrun.bench.ConsoleLoadBenchmark` (see `bench/README.md`).\n\n");
    md.append("- Date: ").append(Stats.isoSeconds(started)).append('\n');
    md.append("- Code: ").append(Machine.revision()).append('\n');
    for (String line : Machine.describe()) {
      md.append(line).append('\n');
    }
    md.append("- PostgreSQL: ").append(postgres).append('\n');
    md.append("- Browser: Debian's chromium, headless, through chromedriver; a new profile (empty")
        .append(" cache) for every load\n");
    md.append("- Work: ")
        .append(WARMUP)
        .append(" warm-up rounds, then ")
        .append(measured.size())
        .append(" measured rounds; each round loads both pages once, which goes first")
        .append(" alternating. The console's list holds ")
        .append(SIMULATIONS)
        .append(" simulations of the signed-in person.\n");
    md.append("- Load average (1, 5, 15 min): before ")
        .append(loadBefore)
        .append(", after ")
        .append(loadAfter)
        .append('\n');
    md.append("- Reproduce (from the repository root, `JAVA_HOME` at a JDK 21+, chromium and")
        .append(" chromium-driver installed):\n\n  ```sh\n  ")
        .append(COMMAND)
        .append("\n  ```\n\n  or `./simrun bench console`.\n\n");
    md.append("## Results\n\n");
    md.append("Time from the start of the navigation (the page's `performance.now()`) until the")
        .append(" page first holds what makes it usable: the console's list with its rows")
        .append(" (`")
        .append(CONSOLE)
        .append("`: the shell, its modules, `/api/v1/me` and `/api/v1/simulations` done); Swagger")
        .append(" UI's operations (`")
        .append(SWAGGER)
        .append("`: its bundle and the OpenAPI document done).\n\n");
    md.append("| Page | median (ms) | min | max | vs Swagger UI |\n|---|---:|---:|---:|---:|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| Baseline: Swagger UI at /api/docs | %.1f | %.1f | %.1f | 1 (baseline) |%n",
            swagger,
            Stats.min(measured, m -> m[1]),
            Stats.max(measured, m -> m[1])));
    md.append(
        String.format(
            Locale.ROOT,
            "| SimRun console: / (my simulations) | %.1f | %.1f | %.1f | **%.2f×** |%n%n",
            console,
            Stats.min(measured, m -> m[0]),
            Stats.max(measured, m -> m[0]),
            console / swagger));
    md.append(
        String.format(
            Locale.ROOT,
            "Goal: the first page usable within 1 s on the local stack (median): **%s** (%.0f ms).%n%n",
            console <= 1000 ? "met" : "not met",
            console));
    md.append("Every measured round, ms (console / Swagger UI):\n\n");
    for (int i = 0; i < measured.size(); i++) {
      md.append(
          String.format(
              Locale.ROOT,
              "- round %d: %.1f / %.1f%n",
              i + 1,
              measured.get(i)[0],
              measured.get(i)[1]));
    }
    return md.toString();
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
