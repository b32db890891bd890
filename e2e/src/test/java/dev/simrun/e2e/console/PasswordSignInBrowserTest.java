package dev.simrun.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.e2e.SimRunStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The console's production sign-in page in a real headless Chromium: a stack without the
 * development sign-in, whose api has a web API key and the emulator's Identity Toolkit as its
 * toolkit (as production has Google's). A person with an account types a wrong password and is told
 * so, signed in as nobody; types the right one and lands on their simulations signed in as their
 * email, with no token anywhere script can read; signs out. The page passes axe-core, the
 * Content-Security-Policy refuses nothing, and it fits a phone.
 */
class PasswordSignInBrowserTest {
  static final String KEY = "AIzaSy-e2e-web-api-key_0123456789abc";
  static final String EMAIL = "gil@example.com";
  static final String PASSWORD = "correct horse battery";

  static SimRunStack stack;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() {
    stack = SimRunStack.builder().passwordSignIn(KEY).start();
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

  /** Who the browser's session is: the status of /api/v1/me and its email. */
  private static String me() {
    return (String)
        browser.asyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/me', {credentials: 'same-origin'})"
                + ".then(r => r.ok ? r.json().then(j => done('200 ' + j.email)) :"
                + " done(String(r.status)), e => done(String(e)));");
  }

  private static void accessible(String page) {
    assertThat(Axe.criticalViolations(browser))
        .as("critical axe-core violations on " + page)
        .isEmpty();
    assertThat(browser.policyViolations()).as("refused by the CSP on " + page).isEmpty();
  }

  @Test
  void aPersonSignsInWithEmailAndPasswordAndOut() throws Exception {
    HttpResponse<String> account =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(stack.tasks().toolkitUrl() + "/v1/accounts:signUp?key=" + KEY))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"email\": \""
                                + EMAIL
                                + "\", \"password\": \""
                                + PASSWORD
                                + "\", \"returnSecureToken\": true}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
    // No development route on this api: only the production sign-in.
    assertThat(stack.post("/api/v1/session/development").statusCode()).isIn(401, 403, 404);

    browser.open(base + "/");
    browser.find("form#sign-in #email");
    assertThat(browser.path()).isEqualTo("/sign-in?next=%2F");
    assertThat(browser.all("#user")).isEmpty();
    browser.screenshot("sign-in-password");
    accessible("the password sign-in page");

    // A wrong password: told beside the form, the password field marked and focused, nobody in.
    browser.find("#email").sendKeys(EMAIL);
    WebElement password = browser.find("#password");
    password.sendKeys("not the password", Keys.ENTER);
    String error = browser.awaitText("#sign-in-error", t -> !t.isBlank());
    assertThat(error).contains("do not match");
    assertThat(password.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(browser.script("return document.activeElement.id")).isEqualTo("password");
    assertThat(browser.path()).startsWith("/sign-in");
    assertThat(me()).isEqualTo("401");
    accessible("the password sign-in page with an error");

    // Forgot password: the reset is asked for, and the page says what happens next.
    browser.find("#forgot-password").click();
    assertThat(browser.awaitText("#sign-in-status", t -> !t.isBlank())).contains("on its way");
    assertThat(browser.all("#sign-in-error").get(0).getText()).isEmpty();

    // The right one, from the keyboard: the list page, signed in as that email.
    password.clear();
    password.sendKeys(PASSWORD, Keys.ENTER);
    browser.awaitText("h1", "My simulations"::equals);
    assertThat(browser.path()).isEqualTo("/");
    assertThat(me()).isEqualTo("200 " + EMAIL);
    assertThat(browser.find("#nav .who").getText()).isEqualTo(EMAIL);
    // The session is an HttpOnly cookie; the ID token is nowhere script or a URL could read it.
    assertThat(browser.script("return document.cookie")).isEqualTo("");
    assertThat(
            browser.script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
        .isEqualTo("{}{}");
    assertThat(browser.policyViolations()).as("refused by the CSP while signing in").isEmpty();

    browser.find("#sign-out").click();
    browser.find("form#sign-in #email");
    await().atMost(Browser.PATIENCE).until(PasswordSignInBrowserTest::me, "401"::equals);

    browser.size(390, 844);
    assertThat(
            (Boolean)
                browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("no sideways scrolling on a phone-sized screen")
        .isTrue();
    browser.size(1280, 1000);
  }
}
