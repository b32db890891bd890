package dev.simrun.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simrun.e2e.SimRunStack;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator's dead letters in a real headless Chromium. The chunks fail for real: the worker
 * starts with a soft time limit of one millisecond and a single attempt per task, so the first
 * attempt of each chunk is stopped and dead-lettered. Once the worker is back with its usual
 * limits, the operator replays the letter of their own simulation from the page and watches it
 * finish; another person's letter, discarded meanwhile by its owner, is refused with the api's 409.
 */
class ConsoleDeadLettersBrowserTest {
  /** 100,000 bars to generate before the first window: well past a millisecond on any machine. */
  static final String STOPPED =
      """
      {"kind": "strategy-backtest", "name": "stopped at its soft time limit",
       "params": {"data": {"synthetic": {"symbols": ["AAA"], "bars": 100000, "seed": 3}},
                  "strategy": "sma-crossover", "grid": {"fast": [5, 10], "slow": [30]}}}
      """;

  static final String OPERATOR = "ops";

  static SimRunStack stack;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() {
    stack =
        SimRunStack.builder()
            .workerEnv("SIMRUN_TASKS_MAX_ATTEMPTS", "1")
            .workerEnv("SIMRUN_WORKER_SOFT_TIME_LIMIT", "1ms")
            .start();
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

  @Test
  void asAnOperatorReplayADeadLetterAndSeeTheSimulationFinish() {
    // The operator's own simulation, and another person's.
    String replayed = stack.submitAs(OPERATOR, STOPPED);
    String resolved = stack.submit(STOPPED);
    await().atMost(Browser.PATIENCE).until(() -> statusOf(OPERATOR, replayed), "FAILED"::equals);
    assertThat(stack.awaitEnd(resolved, Browser.PATIENCE)).isEqualTo("FAILED");
    stack.killWorker();
    Map<String, String> usual = new HashMap<>();
    usual.put("SIMRUN_WORKER_SOFT_TIME_LIMIT", null);
    usual.put("SIMRUN_TASKS_MAX_ATTEMPTS", null);
    stack.restartWorker(usual);

    browser.open(base + "/dead-letters");
    browser.find("form#sign-in");
    browser.find("#user").sendKeys(OPERATOR);
    browser.find("#operator").click();
    browser.find("form#sign-in button[type=submit]").click();
    browser.awaitText("#nav .who", t -> t.contains("(operator)"));
    browser.awaitText("h1", "Dead letters"::equals);
    assertThat(browser.find("#scope").getText()).contains("operator");
    String first = letterOf(OPERATOR, replayed);
    String second = letterOf(SimRunStack.USER, resolved);
    String row = "#dead-letters tbody tr[data-id='" + first + "']";
    String other = "#dead-letters tbody tr[data-id='" + second + "']";
    assertThat(browser.find(row + " td.owner").getText()).isEqualTo(ownerOf(OPERATOR));
    assertThat(browser.find(other + " td.owner").getText()).isEqualTo(ownerOf(SimRunStack.USER));
    // Another owner's simulation page would be a 404 to the operator: its id is no link.
    assertThat(browser.all(other + " a[href^='/simulations/']")).isEmpty();
    assertThat(browser.all(row + " a[href='/simulations/" + replayed + "']")).hasSize(1);
    browser.find(row + " details summary").click();
    assertThat(browser.find(row + " details pre").getText()).contains("soft time limit");
    browser.screenshot("dead-letters");
    accessible("the dead letters page");

    // Its owner discards the other letter while the page still offers to replay it: 409, shown.
    assertThat(stack.post("/api/v1/dead-letters/" + second + "/discard").statusCode())
        .isEqualTo(200);
    browser.find(other + " button[data-replay]").click();
    String refusal = browser.awaitText("#dead-letter-errors", t -> !t.isBlank());
    assertThat(refusal).isNotBlank();
    browser.screenshot("dead-letters-conflict");
    accessible("the dead letters page with a refusal");

    browser.find(row + " button[data-replay]").click();
    browser.awaitText("#dead-letter-done", t -> t.contains("runs again"));
    assertThat(browser.find(row).getAttribute("data-status")).isEqualTo("REPLAYED");

    browser.find(row + " a[href='/simulations/" + replayed + "']").click();
    browser.awaitText("#status", "SUCCEEDED"::equals);
    assertThat(statusOf(OPERATOR, replayed)).isEqualTo("SUCCEEDED");
  }

  private static String statusOf(String user, String simulation) {
    return SimRunStack.read(stack.getAs(user, "/api/v1/simulations/" + simulation).body())
        .path("status")
        .asText();
  }

  private static String ownerOf(String user) {
    return SimRunStack.read(stack.getAs(user, "/api/v1/me").body()).path("owner").asText();
  }

  private static String letterOf(String user, String simulation) {
    JsonNode page =
        SimRunStack.read(
            stack.getAs(user, "/api/v1/dead-letters?simulationId=" + simulation).body());
    assertThat(page.path("items")).hasSize(1);
    return page.path("items").get(0).path("id").asText();
  }

  private static void accessible(String page) {
    assertThat(Axe.criticalViolations(browser))
        .as("critical axe-core violations on " + page)
        .isEmpty();
    assertThat(browser.policyViolations()).as("refused by the CSP on " + page).isEmpty();
  }
}
