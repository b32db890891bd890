package dev.simrun.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tasks.v2.CloudTasksClient;
import dev.simrun.e2e.SimRunStack;
import dev.simrun.shared.dispatch.cloudtasks.CloudTasksClients;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real headless Chromium against the whole local stack (api and worker as
 * processes, the Cloud Tasks emulator, PostgreSQL): a person signs in, starts the demo backtest
 * from the form and watches it reach 100%, downloads its CSV, sees a field error beside its field,
 * cancels a run, finds the list live and filtered; another person sees none of it. Every page is
 * checked with axe-core (no critical violation) and photographed into docs/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  /** 4 symbols × 500 windows on 100,000 bars: long enough to watch, cancelled while queued. */
  static final String LONG =
      """
      {"kind": "strategy-backtest", "name": "a long sweep",
       "params": {"data": {"synthetic": {"symbols": ["AAA", "BBB", "CCC", "DDD"], "bars": 100000,
                                         "seed": 11}},
                  "strategy": "sma-crossover",
                  "grid": {"fast": [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
                           "slow": [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
                                    46, 47, 48, 49, 50, 51, 52, 53, 54]}},
       "chunking": {"unitsPerChunk": 250}}
      """;

  static final String EIGHT_CHUNKS =
      """
      {"kind": "strategy-backtest", "name": "eight chunks",
       "params": {"data": {"synthetic": {"symbols": ["AAA", "BBB"], "bars": 5000, "seed": 5}},
                  "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30, 60]}},
       "chunking": {"unitsPerChunk": 1}}
      """;

  static final String SMALL =
      """
      {"kind": "strategy-backtest", "name": "a small one",
       "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 2000, "seed": 3}},
                  "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30]}}}
      """;

  static final List<String> CHUNK_QUEUES =
      List.of(
          "simulations-interactive",
          "simulations-batch",
          "simulations-interactive-io",
          "simulations-batch-io");

  static SimRunStack stack;
  static Browser browser;
  static String base;
  static String demo;

  @BeforeAll
  static void start() {
    stack = SimRunStack.builder().start();
    base = stack.api().url();
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  /** No critical axe-core violation, and nothing the Content-Security-Policy had to refuse. */
  private static void accessible(String page) {
    assertThat(Axe.criticalViolations(browser))
        .as("critical axe-core violations on " + page)
        .isEmpty();
    assertThat(browser.policyViolations()).as("refused by the CSP on " + page).isEmpty();
  }

  private static void signIn(String user) {
    browser.find("form#sign-in");
    browser.find("#user").sendKeys(user);
    browser.find("form#sign-in button[type=submit]").click();
    browser.awaitText("h1", "My simulations"::equals);
  }

  @Test
  @Order(1)
  void aPersonSignsInWithTheDevelopmentPage() {
    browser.open(base + "/");
    browser.find("form#sign-in");
    assertThat(browser.path()).isEqualTo("/sign-in?next=%2F");
    browser.screenshot("sign-in");
    accessible("the sign-in page");

    signIn("ann");
    assertThat(browser.path()).isEqualTo("/");
    browser.find("#empty");
    // The session is an HttpOnly cookie: no script of the page ever holds a token.
    assertThat(browser.script("return document.cookie")).isEqualTo("");
    assertThat(
            browser.script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
        .isEqualTo("{}{}");
  }

  @Test
  @Order(2)
  void theDemoBacktestStartsFromTheFormAndReachesOneHundredPercent() {
    browser.find("#nav a[href='/simulations/new']").click();
    browser.find("#examples button[data-example='strategy-backtest.json']");
    assertThat(browser.find("#f-params_strategy").getAttribute("value")).isEqualTo("sma-crossover");
    assertThat(browser.find("#f-params_grid_fast").getAttribute("value"))
        .isEqualTo("5, 10, 20, 30, 50");
    browser.screenshot("new-simulation");
    accessible("the new simulation page");

    // The JSON view takes what the form does not show: here, chunks of 10 units, so that the
    // progress bar moves chunk by chunk.
    browser.find("#toggle-json").click();
    WebElement json = browser.find("#json");
    ObjectNode spec = (ObjectNode) SimRunStack.read(json.getAttribute("value"));
    assertThat(spec.path("params").path("grid").path("slow").toString())
        .isEqualTo("[60,100,150,200]");
    spec.putObject("chunking").put("unitsPerChunk", 10);
    browser.script("arguments[0].value = arguments[1]", json, spec.toString());
    browser.find("#submit").click();
    demo =
        await()
            .atMost(Browser.PATIENCE)
            .until(browser::path, p -> p.matches("/simulations/[0-9a-f-]{36}"))
            .substring("/simulations/".length());
    browser.awaitText("#status", "SUCCEEDED"::equals);
    assertThat(browser.find("#progress").getAttribute("value")).isEqualTo("100");
    assertThat(browser.find("#progress-text").getText()).isEqualTo("100%");
    JsonNode view = SimRunStack.read(stack.getAs("ann", "/api/v1/simulations/" + demo).body());
    int chunks = view.path("chunks").path("total").asInt();
    assertThat(chunks).isEqualTo(8);
    assertThat(browser.find("#chunks-done").getText()).isEqualTo(chunks + " of " + chunks);
    browser.awaitText("#connection", "ended"::equals);

    // The log: one line per chunk that succeeded, and no durable event twice.
    assertThat(browser.all("#event-log li[data-type='chunk.succeeded']")).hasSize(chunks);
    assertThat(browser.all("#event-log li[data-type='simulation.succeeded']")).hasSize(1);
    Set<String> ids = new HashSet<>();
    for (WebElement li : browser.all("#event-log li")) {
      String id = li.getAttribute("data-event-id");
      if (!id.isEmpty()) {
        assertThat(ids.add(id)).as("event " + id + " shown once").isTrue();
      }
    }
    // The result: the leaderboard and the top equity curves.
    assertThat(browser.all("#leaderboard tbody tr")).hasSize(20);
    browser.find("#chart canvas");
    browser.screenshot("simulation");
    accessible("the simulation page");

    browser.size(390, 844);
    assertThat(
            (Boolean)
                browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("no sideways scrolling on a phone-sized screen")
        .isTrue();
    browser.screenshot("simulation-phone");
    browser.size(1280, 1000);
  }

  @Test
  @Order(3)
  void theEventLogKeepsTheNewestRowsOfTenThousandEvents() {
    @SuppressWarnings("unchecked")
    List<Object> shown =
        (List<Object>)
            browser.asyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "const app = document.querySelector('script[type=module]').src;"
                    + "import(app.replace('app.js', 'event-log.js')).then(m => {"
                    + "  const log = new m.EventLog();"
                    + "  for (let i = 1; i <= 10000; i++) log.add({id: i, type: 'chunk.succeeded',"
                    + "    at: new Date().toISOString(),"
                    + "    data: {chunk: i, attempt: 1, chunksDone: i, chunkCount: 10000}});"
                    + "  requestAnimationFrame(() => requestAnimationFrame(() => done(["
                    + "    log.list.childElementCount, log.list.firstElementChild.dataset.eventId,"
                    + "    log.caption.textContent])));"
                    + "});");
    assertThat(shown).containsExactly(200L, "10000", "10000 events; the newest 200 are shown.");
  }

  @Test
  @Order(4)
  void theDownloadedCsvIsTheApisResultCsv() throws Exception {
    browser.find("#download-csv").click();
    Path file = browser.downloaded("simulation-" + demo + ".csv");
    HttpResponse<String> api = stack.getAs("ann", "/api/v1/simulations/" + demo + "/result.csv");
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body()).startsWith("rank,");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(api.body());
  }

  @Test
  @Order(5)
  void aFieldErrorIsShownBesideTheFieldItNames() {
    browser.open(base + "/simulations/new");
    WebElement bars = browser.find("#f-params_data_synthetic_bars");
    bars.clear();
    bars.sendKeys("1");
    browser.find("#submit").click();
    String message = browser.awaitText("#f-params_data_synthetic_bars-error", t -> !t.isBlank());
    assertThat(message).isNotBlank();
    assertThat(bars.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(browser.find("#errors").getText()).contains("params.data.synthetic.bars");
    assertThat(browser.path()).isEqualTo("/simulations/new");
    browser.screenshot("new-simulation-error");
    accessible("the new simulation page with an error");
    JsonNode mine = SimRunStack.read(stack.getAs("ann", "/api/v1/simulations").body());
    assertThat(mine.path("items")).hasSize(1);
  }

  @Test
  @Order(6)
  void aLongRunIsCancelledFromItsPage() {
    // Its chunks' queues are paused, so the run cannot end before the click, however fast this is.
    String id;
    try (CloudTasksClient tasks = CloudTasksClients.emulator(stack.tasks().endpoint())) {
      CHUNK_QUEUES.forEach(q -> tasks.pauseQueue(queue(q)));
      try {
        id = stack.submitAs("ann", LONG);
        browser.open(base + "/simulations/" + id);
        browser.awaitText("#status", "QUEUED"::equals);
        browser.find("#cancel").click();
        browser.awaitText("#status", "CANCELLED"::equals);
        browser.awaitText("#connection", "ended"::equals);
      } finally {
        CHUNK_QUEUES.forEach(q -> tasks.resumeQueue(queue(q)));
      }
    }
    assertThat(browser.all("#cancel")).allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
    assertThat(browser.all("#download-csv")).allSatisfy(a -> assertThat(a.isDisplayed()).isFalse());
    assertThat(browser.all("#event-log li[data-type='simulation.cancelled']")).hasSize(1);
    browser.screenshot("simulation-cancelled");
    JsonNode after = SimRunStack.read(stack.getAs("ann", "/api/v1/simulations/" + id).body());
    assertThat(after.path("status").asText()).isEqualTo("CANCELLED");
  }

  private static String queue(String id) {
    return "projects/"
        + SimRunStack.PROJECT
        + "/locations/"
        + SimRunStack.LOCATION
        + "/queues/"
        + id;
  }

  @Test
  @Order(7)
  void theListIsNewestFirstLiveAndFiltered() {
    browser.open(base + "/");
    await().atMost(Browser.PATIENCE).until(() -> browser.all("#simulations tbody tr").size() == 2);
    browser.awaitText("#live", "live"::equals);

    String fresh = stack.submitAs("ann", SMALL);
    String row = "#simulations tbody tr[data-id='" + fresh + "']";
    browser.find(row);
    // The live list re-renders its rows as events arrive, so a row read here may be replaced.
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(
            () -> browser.all("#simulations tbody tr").get(0).getAttribute("data-id"),
            fresh::equals);
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.find(row).getAttribute("data-status").equals("SUCCEEDED"));
    browser.screenshot("list");
    accessible("the list");

    browser.find("#status option[value='SUCCEEDED']").click();
    await().atMost(Browser.PATIENCE).until(() -> browser.path().equals("/?status=SUCCEEDED"));
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(
            () -> {
              List<WebElement> rows = browser.all("#simulations tbody tr");
              return rows.size() == 2
                  && rows.stream().allMatch(r -> "SUCCEEDED".equals(r.getAttribute("data-status")));
            });
    browser.find("#kind option[value='forecast-backtest']").click();
    browser.find("#empty");
    assertThat(browser.path()).isEqualTo("/?status=SUCCEEDED&kind=forecast-backtest");
  }

  @Test
  @Order(8)
  void aStreamCutInTheMiddleOfARunResumesWithEveryEventOnce() {
    String id;
    try (CloudTasksClient tasks = CloudTasksClients.emulator(stack.tasks().endpoint())) {
      CHUNK_QUEUES.forEach(q -> tasks.pauseQueue(queue(q)));
      try {
        id = stack.submitAs("ann", EIGHT_CHUNKS);
        // Its chunk tasks wait in the paused queue: the api need not be up to run them.
        await()
            .atMost(Browser.PATIENCE)
            .until(
                () ->
                    stack.queryLong(
                        "SELECT count(*) FROM outbox WHERE simulation_id = ?::uuid", id),
                n -> n == 0);
        browser.open(base + "/simulations/" + id);
        browser.awaitText("#status", "QUEUED"::equals);
        browser.awaitText("#connection", "live"::equals);

        stack.stopApi();
        browser.awaitText("#connection", "reconnecting…"::equals);
        browser.screenshot("simulation-reconnecting");
      } finally {
        CHUNK_QUEUES.forEach(q -> tasks.resumeQueue(queue(q)));
      }
    }
    // Every chunk succeeds while the page cannot hear of it; then the api comes back.
    await()
        .atMost(Browser.PATIENCE)
        .until(
            () ->
                stack.queryLong(
                    "SELECT chunk_count - chunks_done FROM simulations WHERE id = ?::uuid", id),
            n -> n == 0);
    stack.startApi();

    browser.awaitText("#status", "SUCCEEDED"::equals);
    browser.awaitText("#connection", "ended"::equals);
    assertThat(browser.all("#event-log li[data-type='chunk.succeeded']")).hasSize(8);
    List<Long> ids =
        browser.all("#event-log li").stream()
            .map(li -> li.getAttribute("data-event-id"))
            .filter(i -> !i.isEmpty())
            .map(Long::valueOf)
            .sorted()
            .toList();
    long last = stack.queryLong("SELECT event_seq FROM simulations WHERE id = ?::uuid", id);
    assertThat(ids)
        .as("every durable event, each once")
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
  }

  @Test
  @Order(9)
  void anotherPersonSeesNothingOfTheFirstOnes() {
    browser.open(base + "/");
    browser.find("#sign-out").click();
    signIn("bob");
    browser.find("#empty");
    assertThat(browser.all("#simulations tbody tr")).isEmpty();

    browser.open(base + "/simulations/" + demo);
    browser.find("#not-found");
    assertThat(browser.all("#status")).isEmpty();
    browser.screenshot("simulation-not-found");
    accessible("the not-found page");
  }

  @Test
  @Order(10)
  void aBadCsvsLineErrorsAreListedAndAGoodOneIsUsedByASimulation() throws Exception {
    browser.open(base + "/datasets");
    browser.find("form#upload-dataset");
    browser.find("#no-datasets");
    Path bad = Files.createTempFile("bad-bars-", ".csv");
    Files.writeString(
        bad,
        """
        timestamp,open,high,low,close,volume
        2020-01-01,1,2,0.5,1.5,100
        2020-01-02,abc,2,0.5,1.5,100
        2020-01-03,1,0.5,2,1.5,100
        """);
    browser.find("#csv").sendKeys(bad.toString());
    WebElement badName = browser.find("#dataset-name");
    badName.clear();
    badName.sendKeys("bad-bars");
    browser.find("#upload").click();
    String errors = browser.awaitText("#upload-errors", t -> t.contains("line 4"));
    assertThat(errors).contains("line 3");
    assertThat(browser.all("#datasets tbody tr")).isEmpty();
    browser.screenshot("datasets-bad-csv");
    accessible("the datasets page with a bad CSV");

    Path good = Path.of("..", "examples", "datasets", "daily-10y.csv").toAbsolutePath().normalize();
    browser.find("#csv").sendKeys(good.toString());
    WebElement name = browser.find("#dataset-name");
    name.clear();
    name.sendKeys("daily-10y");
    browser.find("#upload").click();
    browser.awaitText("#uploaded", t -> t.startsWith("Uploaded daily-10y"));
    JsonNode mine = SimRunStack.read(stack.getAs("bob", "/api/v1/datasets").body());
    assertThat(mine.path("items")).hasSize(1);
    String dataset = mine.path("items").get(0).path("id").asText();
    browser.find("#datasets tbody tr[data-id='" + dataset + "']");
    browser.screenshot("datasets");
    accessible("the datasets page");

    // The form offers it where the spec names a dataset.
    browser.open(base + "/simulations/new?example=strategy-dataset-grid.json");
    browser.find("#f-params_data_dataset option[value='" + dataset + "']").click();
    browser.screenshot("new-simulation-dataset");
    accessible("the new simulation page with a dataset");
    browser.find("#submit").click();
    String id =
        await()
            .atMost(Browser.PATIENCE)
            .until(browser::path, p -> p.matches("/simulations/[0-9a-f-]{36}"))
            .substring("/simulations/".length());
    browser.awaitText("#status", "SUCCEEDED"::equals);
    assertThat(
            stack.queryLong(
                "SELECT count(*) FROM simulations WHERE id = ?::uuid"
                    + " AND params -> 'data' ->> 'dataset' = ?",
                id,
                dataset))
        .as("the simulation read the uploaded dataset")
        .isEqualTo(1);

    // Deleted from the list once nothing running reads it.
    browser.open(base + "/datasets");
    browser.find("#datasets tbody tr[data-id='" + dataset + "'] button[data-delete]").click();
    browser.find("#no-datasets");
    assertThat(stack.getAs("bob", "/api/v1/datasets/" + dataset).statusCode()).isEqualTo(404);
  }

  /** 20 days, two agents each answering in 300 ms: seconds of progress events to draw from. */
  static final String SLOW_FORECAST =
      """
      {"kind": "forecast-backtest", "name": "a slow model, watched",
       "params": {"series": {"synthetic": {"days": 60, "seed": 7, "level": 100, "trend": 0.5,
                                           "noise": 2}},
                  "start": 30, "end": 49, "history": 20,
                  "agents": [{"type": "naive", "latencyMs": 300},
                             {"type": "moving-average", "window": 5, "latencyMs": 300}]},
       "chunking": {"unitsPerChunk": 20}}
      """;

  @Test
  @Order(11)
  void aForecastsChartFillsInAsItsDaysArrive() {
    String id = stack.submitAs("bob", SLOW_FORECAST);
    browser.open(base + "/simulations/" + id);
    // Drawn from progress events while the simulation runs, before any result exists.
    await()
        .atMost(Browser.PATIENCE)
        .ignoreExceptions()
        .until(() -> Integer.parseInt(browser.find("#live-chart").getAttribute("data-days")) >= 2);
    assertThat(browser.all("#live-chart .uplot")).hasSize(1);
    // The navigation of a person who is no operator has no batches link, and nothing in its place.
    assertThat(browser.find("#nav").getText()).doesNotContain("Batches").doesNotContain("null");
    browser.screenshot("simulation-forecast-live");
    accessible("a forecast drawn as it runs");

    // The result's chart, with the ensemble, takes its place.
    browser.awaitText("#status", "SUCCEEDED"::equals);
    browser.find("#chart .uplot");
    assertThat(browser.find("#result").isDisplayed()).isTrue();
    assertThat(browser.all("#live")).allSatisfy(s -> assertThat(s.isDisplayed()).isFalse());
  }
}
