package dev.simrun.api.batches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Terraform's Cloud Scheduler jobs call what the api serves, as the api checks it: the trigger's
 * route, a token for the api's URL from the scheduler account, and batch names the api accepts. The
 * Google provider cannot run here; the configuration is read as text.
 */
class TerraformSchedulerJobsTest {
  static final Path INFRA = Path.of("..", "infra");

  static String read(String file) throws IOException {
    return Files.readString(INFRA.resolve(file));
  }

  static String one(String text, String regex) {
    // An attribute's line, not a comment that names it.
    Matcher m = Pattern.compile("(?m)^\\s*" + regex).matcher(text);
    assertThat(m.find()).as("%s in the Terraform configuration", regex).isTrue();
    return m.group(1);
  }

  @Test
  void eachJobPostsToTheTriggerRouteOfItsBatch() throws Exception {
    String route =
        SchedulerTriggerController.class.getAnnotation(Controller.class).value()
            + SchedulerTriggerController.class
                .getDeclaredMethod(
                    "trigger", String.class, String.class, String.class, String.class)
                .getAnnotation(Post.class)
                .value();
    assertThat(route).isEqualTo("/internal/v1/batches/{name}/runs");
    String scheduler = read("scheduler.tf");
    String uri = one(scheduler, "uri\\s*=\\s*\"([^\"]+)\"");
    assertThat(uri).isEqualTo("${local.api_url}" + route.replace("{name}", "${each.key}"));
    assertThat(one(scheduler, "http_method\\s*=\\s*\"([^\"]+)\"")).isEqualTo("POST");
  }

  @Test
  void theTokenIsForTheApisUrlFromTheAccountTheApiAllows() throws Exception {
    String scheduler = read("scheduler.tf");
    String cloudRun = read("cloud_run.tf");
    String audience = one(scheduler, "audience\\s*=\\s*(\\S+)");
    String account = one(scheduler, "service_account_email\\s*=\\s*(\\S+)");
    assertThat(one(cloudRun, "SIMRUN_AUTH_AUDIENCE\\s*=\\s*(\\S+)")).isEqualTo(audience);
    assertThat(one(cloudRun, "SIMRUN_AUTH_ALLOWED_SERVICE_ACCOUNTS\\s*=\\s*(\\S+)"))
        .isEqualTo(account);
    assertThat(audience).isEqualTo("local.api_url");
  }

  @Test
  void batchNamesTerraformAcceptsAreNamesTheApiAccepts() throws Exception {
    String variables = read("variables.tf");
    String names =
        one(variables, "condition\\s*=.*keys\\(var\\.scheduled_batches\\)[^\"]*\"\\^([^\"]+)\\$\"");
    Pattern terraform = Pattern.compile(names.replace("\\\\", "\\"));
    Pattern api = Pattern.compile(BatchesController.NAME);
    for (String name : new String[] {"nightly", "a", "eu-sites-2026", "x".repeat(41)}) {
      assertThat(terraform.matcher(name).matches()).as(name).isTrue();
      assertThat(api.matcher(name).matches()).as(name).isTrue();
    }
    for (String name : new String[] {"Nightly", "-x", "a_b", "x".repeat(42)}) {
      assertThat(terraform.matcher(name).matches()).as(name).isFalse();
    }
    // Every name Terraform accepts, the api accepts: the api's pattern is the wider of the two.
    assertThat(names).isEqualTo("[a-z0-9][a-z0-9-]{0,40}");
    assertThat(BatchesController.NAME).isEqualTo("[a-z0-9][a-z0-9-]{0,62}");
  }
}
