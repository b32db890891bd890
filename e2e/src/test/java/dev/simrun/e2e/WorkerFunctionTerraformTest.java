package dev.simrun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Terraform deploys the worker function as {@link WorkerFunctionEndToEndTest} runs it: the same
 * entry point, a Java 21 runtime, and each worker service's own environment. The Google provider
 * cannot run here; the configuration is read as text.
 */
class WorkerFunctionTerraformTest {
  static final Path FUNCTION_TF = Path.of("..", "infra", "worker_function.tf");

  static String one(String text, String regex) {
    // An attribute's line, not a comment that names it.
    Matcher m = Pattern.compile("(?m)^\\s*" + regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, FUNCTION_TF).isTrue();
    return m.group(1);
  }

  @Test
  void theFunctionIsBuiltAndEnteredAsTheTestRunsIt() throws Exception {
    String tf = Files.readString(FUNCTION_TF);
    assertThat(one(tf, "worker_function_entry_point\\s*=\\s*\"([^\"]+)\""))
        .isEqualTo(WorkerFunction.ENTRY_POINT);
    assertThat(one(tf, "entry_point\\s*=\\s*(\\S+)"))
        .isEqualTo("local.worker_function_entry_point");
    assertThat(one(tf, "runtime\\s*=\\s*\"([^\"]+)\"")).isEqualTo("java21");
  }

  @Test
  void eachFunctionGetsTheEnvironmentOfTheServiceItReplaces() throws Exception {
    String tf = Files.readString(FUNCTION_TF);
    assertThat(one(tf, "for_each\\s*=\\s*(local\\.worker_functions)\\s*$"))
        .isEqualTo("local.worker_functions");
    assertThat(one(tf, "environment_variables\\s*=\\s*(.+)$")).contains("each.value.env");
    assertThat(one(tf, "service_account_email\\s*=\\s*(\\S+)"))
        .isEqualTo("google_service_account.worker.email");
  }
}
