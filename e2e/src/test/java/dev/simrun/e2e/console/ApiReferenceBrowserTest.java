package dev.simrun.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.SimRunStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API reference in a real headless Chromium: reached from the console's header without signing
 * in, Swagger UI renders every operation of the api's OpenAPI document under the page's
 * Content-Security-Policy, with nothing refused.
 */
class ApiReferenceBrowserTest {
  static SimRunStack stack;
  static Browser browser;
  static String base;

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

  @Test
  void theReferenceListsTheApisOperationsUnderItsPolicy() {
    browser.open(base + "/");
    browser.find("form#sign-in");
    browser.find("header a[href='/api/docs']").click();

    browser.awaitText(".information-container .title", t -> t.startsWith("SimRun API"));
    await()
        .atMost(Browser.PATIENCE)
        .until(() -> browser.all(".opblock .opblock-summary-path").size(), n -> n >= 20);
    assertThat(browser.path()).isEqualTo("/api/docs");
    assertThat(browser.all(".opblock .opblock-summary-path"))
        .anySatisfy(p -> assertThat(p.getText()).contains("/api/v1/simulations/{id}/events"));
    browser.screenshot("api-reference");
    assertThat(browser.policyViolations()).as("refused by the CSP on /api/docs").isEmpty();
  }
}
