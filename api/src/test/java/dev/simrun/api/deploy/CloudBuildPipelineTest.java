package dev.simrun.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deploy pipeline's order, read from {@code cloudbuild.yaml} (decision 0033): the test suite
 * runs before any image is pushed; the migration before any rollout; every rollout deploys with no
 * traffic, is health-checked, and only then gets traffic; the workers get traffic before the api is
 * deployed. Cloud Build runs a step once every step it waits for succeeded (no {@code waitFor}:
 * every earlier step; {@code ['-']}: none), and stops the build at the first failure.
 */
class CloudBuildPipelineTest {
  private static final Pattern DEPLOY = Pattern.compile("gcloud run deploy (\\S+)");
  private static final Pattern TRAFFIC =
      Pattern.compile("gcloud run services update-traffic (\\S+)");

  /** One step: its id, what it waits for, and its command line as one string. */
  record Step(String id, List<String> waitFor, String command, boolean allowFailure) {}

  @SuppressWarnings("unchecked")
  static List<Step> steps(String yaml) {
    Map<String, Object> build = new Yaml().load(yaml);
    List<Step> steps = new ArrayList<>();
    for (Object o : (List<Object>) build.get("steps")) {
      Map<String, Object> step = (Map<String, Object>) o;
      Object args = step.getOrDefault("args", List.of());
      String command =
          step.getOrDefault("entrypoint", "")
              + " "
              + String.join(" ", ((List<Object>) args).stream().map(String::valueOf).toList());
      steps.add(
          new Step(
              String.valueOf(step.get("id")),
              step.containsKey("waitFor") ? (List<String>) step.get("waitFor") : null,
              command,
              Boolean.TRUE.equals(step.get("allowFailure"))));
    }
    return steps;
  }

  /** The steps that must have succeeded before this one runs. */
  static Set<String> before(List<Step> steps, String id) {
    Map<String, Step> byId = new LinkedHashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(direct(steps, byId.get(id)));
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (seen.add(next) && byId.containsKey(next)) {
        todo.addAll(direct(steps, byId.get(next)));
      }
    }
    return seen;
  }

  private static List<String> direct(List<Step> steps, Step step) {
    if (step.waitFor() == null) {
      return steps.subList(0, steps.indexOf(step)).stream().map(Step::id).toList();
    }
    return step.waitFor().stream().filter(w -> !w.equals("-")).toList();
  }

  static Optional<String> service(Pattern pattern, Step step) {
    Matcher m = pattern.matcher(step.command());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** What is wrong with the pipeline's order, each named. */
  static List<String> problems(String yaml) {
    List<Step> steps = steps(yaml);
    List<String> problems = new ArrayList<>();
    List<String> tests =
        steps.stream()
            .filter(s -> s.command().contains(".ci/run") || s.command().contains("simrun test"))
            .map(Step::id)
            .toList();
    List<String> migrations =
        steps.stream().filter(s -> s.command().contains("flyway migrate")).map(Step::id).toList();
    if (tests.isEmpty()) {
      problems.add("no step runs the test suite (.ci/run)");
    }
    if (migrations.isEmpty()) {
      problems.add("no step migrates the database");
    }
    for (Step step : steps) {
      if (step.allowFailure()) {
        problems.add(step.id() + " may fail without failing the build");
      }
      boolean push =
          step.command().matches("(?s)\\s*push .*") || step.command().contains("docker push");
      if (push && !before(steps, step.id()).containsAll(tests)) {
        problems.add(step.id() + " pushes an image without waiting for the tests " + tests);
      }
    }
    Map<String, String> trafficOf = new LinkedHashMap<>();
    for (Step deploy : steps) {
      Optional<String> service = service(DEPLOY, deploy);
      if (service.isEmpty()) {
        continue;
      }
      if (!before(steps, deploy.id()).containsAll(migrations)) {
        problems.add(deploy.id() + " deploys without waiting for the migration " + migrations);
      }
      if (!deploy.command().contains("--no-traffic") || !deploy.command().contains("--tag=")) {
        problems.add(deploy.id() + " deploys without --no-traffic and a --tag");
      }
      List<Step> checks =
          steps.stream()
              .filter(s -> s.command().contains(".ci/revision-health " + service.get() + " "))
              .filter(s -> before(steps, s.id()).contains(deploy.id()))
              .toList();
      if (checks.isEmpty()) {
        problems.add(deploy.id() + " is followed by no health check of " + service.get());
      }
      List<Step> traffic = steps.stream().filter(s -> service(TRAFFIC, s).equals(service)).toList();
      if (traffic.isEmpty()) {
        problems.add(deploy.id() + " is followed by no traffic step for " + service.get());
      }
      for (Step t : traffic) {
        Set<String> waited = before(steps, t.id());
        if (!waited.contains(deploy.id())
            || checks.stream().noneMatch(c -> waited.contains(c.id()))) {
          problems.add(
              t.id() + " moves traffic of " + service.get() + " before its health check passed");
        }
        trafficOf.put(service.get(), t.id());
      }
    }
    // Workers first: the api is deployed only once both worker services serve the new image.
    for (Step deploy : steps) {
      if (service(DEPLOY, deploy).filter(s -> s.contains("API")).isPresent()) {
        Set<String> waited = before(steps, deploy.id());
        trafficOf.forEach(
            (service, traffic) -> {
              if (service.contains("WORKER") && !waited.contains(traffic)) {
                problems.add(deploy.id() + " does not wait for " + traffic);
              }
            });
      }
    }
    return problems;
  }

  static String pipeline() {
    return TerraformConfigurationTest.read("cloudbuild.yaml");
  }

  @Test
  void theRolloutIsGatedCheckedAndOrdered() {
    List<Step> steps = steps(pipeline());
    assertThat(steps).extracting(Step::id).contains("test", "migrate", "push-api", "traffic-api");
    assertThat(before(steps, "push-api")).contains("test", "maven-package", "build-api");
    assertThat(before(steps, "traffic-api"))
        .contains("health-api", "deploy-api", "traffic-worker", "traffic-worker-io", "migrate");
    assertThat(problems(pipeline())).isEmpty();
  }

  @Test
  void aPushThatDoesNotWaitForTheTestsIsNamed() {
    String doctored =
        pipeline()
            .replace("waitFor: ['build-api', 'test']", "waitFor: ['build-api']")
            .replace("    waitFor: ['test']\n", "    waitFor: ['-']\n");
    assertThat(problems(doctored))
        .containsExactly("push-api pushes an image without waiting for the tests [test]");
  }

  @Test
  void aDeployBeforeTheMigrationIsNamed() {
    String doctored =
        pipeline()
            .replaceFirst(
                "(id: deploy-worker-io\\n(?:.*\\n)*?    waitFor: )\\['migrate'\\]", "$1['-']");
    assertThat(problems(doctored))
        .containsExactly("deploy-worker-io deploys without waiting for the migration [migrate]");
  }

  @Test
  void aDeployWithTrafficOrATrafficStepBeforeTheHealthCheckIsNamed() {
    String doctored = pipeline().replaceFirst("--quiet --no-traffic", "--quiet");
    assertThat(problems(doctored))
        .containsExactly("deploy-worker deploys without --no-traffic and a --tag");
    doctored = pipeline().replace("    waitFor: ['health-api']\n", "    waitFor: ['deploy-api']\n");
    assertThat(problems(doctored))
        .containsExactly(
            "traffic-api moves traffic of ${_API_SERVICE} before its health check passed");
  }
}
