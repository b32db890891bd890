package dev.simrun.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.config.TasksConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Terraform configuration checked offline (the Google provider cannot be downloaded here, so
 * {@code terraform validate} cannot run; {@code ./simrun test} runs {@code terraform fmt -check}):
 *
 * <ul>
 *   <li>every {@code var.X} is declared, every {@code local.X} defined, every resource and data
 *       source referenced exists, and every output refers only to such things;
 *   <li>every environment variable a service needs in production is set by {@code cloud_run.tf} for
 *       that service. The rule (decision 0033): a {@code ${NAME}} placeholder of the service's
 *       {@code application.yml} without a default, one whose default is a loopback address, and
 *       every name listed under {@code simrun.production.required} (what the service refuses to
 *       start without in production). Placeholders with a default that serves production ({@code
 *       ${DATABASE_POOL_SIZE:10}}) may be left out;
 *   <li>every queue, topic and subscription the code names by default, and every Cloud Scheduler
 *       job and queue the local stack ({@code ./simrun}) creates, exists in Terraform.
 * </ul>
 *
 * Each check returns what is missing, named; the tests at the end feed doctored copies to prove a
 * missing thing is found.
 */
class TerraformConfigurationTest {
  static final Path ROOT = Path.of("..");
  private static final Pattern UPPER_KEY = Pattern.compile("\\b([A-Z][A-Z0-9_]+)\\s*=(?!=)");
  private static final Pattern ENV_NAME = Pattern.compile("name\\s*=\\s*\"([A-Z][A-Z0-9_]+)\"");
  private static final Pattern LOCAL_REF = Pattern.compile("(?<![\\w.])local\\.([a-z0-9_]+)");
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
  private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1|localhost");
  private static final Pattern ENTRY = Pattern.compile("([a-z0-9_]+)\\s*=\\s*\\{");

  static Terraform infra() {
    return Terraform.read(ROOT.resolve("infra"));
  }

  static String read(String path) {
    try {
      return Files.readString(ROOT.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------ references

  static List<String> unresolvedReferences(Terraform tf) {
    Set<String> variables = tf.variables();
    Set<String> locals = tf.locals().keySet();
    Set<String> resources = tf.resources();
    List<String> problems = new ArrayList<>();
    for (Terraform.Reference ref : tf.references()) {
      boolean known =
          switch (ref.kind()) {
            case "var" -> variables.contains(ref.name());
            case "local" -> locals.contains(ref.name());
            case "data" -> resources.contains("data." + ref.name());
            default -> resources.contains(ref.kind() + "." + ref.name());
          };
      if (!known) {
        problems.add(ref + " is not declared");
      }
    }
    return problems;
  }

  static List<String> outputProblems(Terraform tf) {
    Set<String> known = new HashSet<>(tf.resources());
    tf.variables().forEach(v -> known.add("var." + v));
    tf.locals().keySet().forEach(l -> known.add("local." + l));
    List<String> problems = new ArrayList<>();
    for (String output : tf.outputs()) {
      Set<String> refs = Terraform.referencesIn(tf.block("output \"" + output + "\""));
      if (refs.isEmpty()) {
        problems.add("output " + output + " refers to nothing of this configuration");
      }
      for (String ref : refs) {
        if (!known.contains(ref)) {
          problems.add("output " + output + " refers to " + ref + ", which is not declared");
        }
      }
    }
    return problems;
  }

  @Test
  void everyReferenceIsDeclared() {
    Terraform tf = infra();
    assertThat(tf.variables()).contains("project_id", "region", "db_name");
    assertThat(tf.locals()).containsKeys("jdbc_url", "api_env", "queues");
    assertThat(tf.references()).hasSizeGreaterThan(100);
    assertThat(unresolvedReferences(tf)).isEmpty();
  }

  @Test
  void everyOutputRefersToWhatExists() {
    Terraform tf = infra();
    assertThat(tf.outputs()).contains("api_url", "jdbc_url", "finalize_queue");
    assertThat(outputProblems(tf)).isEmpty();
  }

  // ------------------------------------------------------------------------------ environment

  /** The environment variables {@code cloud_run.tf} sets, per Cloud Run service. */
  static Map<String, Set<String>> environments(Terraform tf) {
    Map<String, String> locals = tf.locals();
    Map<String, Set<String>> services = new LinkedHashMap<>();
    String api = tf.block("resource \"google_cloud_run_v2_service\" \"api\"");
    Set<String> apiEnv = new LinkedHashSet<>(literalEnv(api));
    if (api.contains("for_each = local.api_env")) {
      apiEnv.addAll(keys(locals.get("api_env"), locals, new HashSet<>()));
    }
    services.put("api", apiEnv);
    String workers = tf.block("resource \"google_cloud_run_v2_service\" \"workers\"");
    String entries = Terraform.strip(locals.getOrDefault("worker_services", "{}"))[1];
    String text = locals.getOrDefault("worker_services", "{}");
    int depth = 0;
    for (int i = 0; i < entries.length(); i++) {
      char c = entries.charAt(i);
      if (depth == 1) {
        Matcher m = ENTRY.matcher(entries).region(i, entries.length());
        if (m.lookingAt() && (i == 0 || !Character.isLetterOrDigit(entries.charAt(i - 1)))) {
          int close = Terraform.matching(entries, m.end() - 1);
          Set<String> env = new LinkedHashSet<>(literalEnv(workers));
          if (workers.contains("for_each = each.value.env")) {
            env.addAll(keys(text.substring(m.end() - 1, close + 1), locals, new HashSet<>()));
          }
          services.put(m.group(1), env);
          i = close;
          continue;
        }
      }
      if (c == '{' || c == '(' || c == '[') {
        depth++;
      } else if (c == '}' || c == ')' || c == ']') {
        depth--;
      }
    }
    return services;
  }

  /** Names set in an expression: map keys in capitals, and those of the locals it merges. */
  private static Set<String> keys(String expression, Map<String, String> locals, Set<String> seen) {
    Set<String> keys = new LinkedHashSet<>();
    if (expression == null) {
      return keys;
    }
    String code = Terraform.strip(expression)[1];
    Matcher m = UPPER_KEY.matcher(code);
    while (m.find()) {
      keys.add(m.group(1));
    }
    Matcher ref = LOCAL_REF.matcher(code);
    while (ref.find()) {
      if (seen.add(ref.group(1))) {
        keys.addAll(keys(locals.get(ref.group(1)), locals, seen));
      }
    }
    return keys;
  }

  /** {@code env { name = "DATABASE_PASSWORD" ... }} blocks written out in a resource. */
  private static Set<String> literalEnv(String resource) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = ENV_NAME.matcher(resource);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** What a service's application.yml says it needs in production (see the class comment). */
  static Set<String> requiredIn(String applicationYml) {
    Set<String> required = new LinkedHashSet<>();
    Matcher p = PLACEHOLDER.matcher(applicationYml);
    while (p.find()) {
      if (p.group(2) == null || LOOPBACK.matcher(p.group(2)).find()) {
        required.add(p.group(1));
      }
    }
    boolean inList = false;
    for (String line : applicationYml.split("\\R")) {
      if (line.startsWith("simrun.production.required:")) {
        inList = true;
      } else if (inList && line.matches("\\s+-\\s*\\S+\\s*")) {
        required.add(line.strip().substring(1).strip());
      } else if (inList) {
        inList = false;
      }
    }
    return required;
  }

  static List<String> environmentProblems(
      Map<String, Set<String>> environments, Map<String, String> ymlByService) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> service : ymlByService.entrySet()) {
      Set<String> set = environments.get(service.getKey());
      if (set == null) {
        problems.add("infra/cloud_run.tf has no service " + service.getKey());
        continue;
      }
      for (String variable : requiredIn(service.getValue())) {
        if (!set.contains(variable)) {
          problems.add(
              variable
                  + " is needed by the "
                  + service.getKey()
                  + " service in production but infra/cloud_run.tf does not set it");
        }
      }
    }
    return problems;
  }

  static Map<String, String> services() {
    String api = read("api/src/main/resources/application.yml");
    String worker = read("worker/src/main/resources/application.yml");
    Map<String, String> services = new LinkedHashMap<>();
    services.put("api", api);
    services.put("worker", worker);
    services.put("worker_io", worker);
    return services;
  }

  @Test
  void everyEnvironmentVariableTheServicesNeedIsSetByCloudRunTf() {
    Map<String, Set<String>> environments = environments(infra());
    assertThat(environments).containsOnlyKeys("api", "worker", "worker_io");
    assertThat(environments.get("api"))
        .contains("DATABASE_URL", "DATABASE_PASSWORD", "SIMRUN_IDENTITY_PROJECT");
    assertThat(environments.get("worker_io"))
        .contains("SIMRUN_AUTH_AUDIENCE", "SIMRUN_WORKER_MAX_CONCURRENT_IO_CHUNKS");
    assertThat(requiredIn(services().get("api")))
        .contains("DATABASE_URL", "SIMRUN_PUBSUB_PROJECT", "SIMRUN_IDENTITY_PROJECT");
    assertThat(environmentProblems(environments, services())).isEmpty();
  }

  // ------------------------------------------------------------------------------ named things

  /**
   * The defaults a configuration record's components declare ({@code @Bindable(defaultValue =
   * ...)}), read from its source: the annotation is not kept at run time.
   */
  static Map<String, String> defaults(Class<?> record) {
    String source = read("shared/src/main/java/" + record.getName().replace('.', '/') + ".java");
    Map<String, String> defaults = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("@Bindable\\(defaultValue = \"([^\"]*)\"\\)[^,)]*?(\\w+)\\s*[,)]")
            .matcher(source);
    while (m.find()) {
      defaults.put(m.group(2), m.group(1));
    }
    return defaults;
  }

  /** Quoted names in {@code name = "..."} assignments of a Terraform file. */
  static Set<String> namesIn(Terraform tf, String file) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\s*name\\s*=\\s*\"([^\"]+)\"").matcher(tf.files.get(file).text());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static List<String> namedResourceProblems(Terraform tf, String simrunScript) {
    List<String> problems = new ArrayList<>();
    Map<String, String> tasks = defaults(TasksConfig.class);
    Set<String> queues = namesIn(tf, "cloud_tasks.tf");
    for (String id :
        List.of(
            "interactiveQueue",
            "batchQueue",
            "interactiveIoQueue",
            "batchIoQueue",
            "finalizeQueue")) {
      if (!queues.contains(tasks.get(id))) {
        problems.add(
            "queue " + tasks.get(id) + " (TasksConfig." + id + ") is not in infra/cloud_tasks.tf");
      }
    }
    Matcher local = Pattern.compile("(?m)^QUEUES=\\(([^)]*)\\)").matcher(simrunScript);
    if (local.find()) {
      for (String queue : local.group(1).trim().split("\\s+")) {
        if (!queues.contains(queue)) {
          problems.add("queue " + queue + " (./simrun's QUEUES) is not in infra/cloud_tasks.tf");
        }
      }
    } else {
      problems.add("./simrun names no QUEUES");
    }
    Map<String, String> pubsub = defaults(PubSubConfig.class);
    Set<String> topics = namesIn(tf, "pubsub.tf");
    for (String topic : List.of("eventsTopic", "deadLetterTopic")) {
      if (!topics.contains(pubsub.get(topic))) {
        problems.add(
            "topic "
                + pubsub.get(topic)
                + " (PubSubConfig."
                + topic
                + ") is not in infra/pubsub.tf");
      }
    }
    // The subscription operators read dead letters from, named in docs/deploy.md's commands.
    String console = pubsub.get("deadLetterTopic") + "-console";
    if (!topics.contains(console)) {
      problems.add("subscription " + console + " is not in infra/pubsub.tf");
    }
    // Cloud Scheduler jobs: <name_prefix>-batch-<batch> for each of var.scheduled_batches.
    String prefix = variableDefault(tf, "name_prefix");
    String jobName = namesIn(tf, "scheduler.tf").stream().findFirst().orElse("");
    Set<String> jobs = new LinkedHashSet<>();
    for (String batch : mapKeys(variableBlock(tf, "scheduled_batches"))) {
      jobs.add(jobName.replace("${var.name_prefix}", prefix).replace("${each.key}", batch));
    }
    Matcher created = Pattern.compile("(?m)^\\s*create_batch_job\\s+(\\S+)").matcher(simrunScript);
    boolean any = false;
    while (created.find()) {
      any = true;
      String job = prefix + "-batch-" + created.group(1);
      if (!jobs.contains(job)) {
        problems.add(
            "Cloud Scheduler job "
                + job
                + " (./simrun creates it) is not among infra/scheduler.tf's jobs "
                + jobs);
      }
    }
    if (!any) {
      problems.add("./simrun creates no Cloud Scheduler job");
    }
    return problems;
  }

  static String variableBlock(Terraform tf, String name) {
    return tf.block("variable \"" + name + "\"");
  }

  static String variableDefault(Terraform tf, String name) {
    Matcher m =
        Pattern.compile("(?m)^\\s*default\\s*=\\s*\"([^\"]*)\"").matcher(variableBlock(tf, name));
    return m.find() ? m.group(1) : null;
  }

  private static Set<String> mapKeys(String variable) {
    Set<String> keys = new LinkedHashSet<>();
    Matcher block = Pattern.compile("default\\s*=\\s*\\{([^}]*)}").matcher(variable);
    if (block.find()) {
      Matcher key = Pattern.compile("(?m)^\\s*\"?([a-z0-9-]+)\"?\\s*=").matcher(block.group(1));
      while (key.find()) {
        keys.add(key.group(1));
      }
    }
    return keys;
  }

  @Test
  void everyQueueTopicSubscriptionAndJobTheCodeNamesExists() {
    String simrun = read("simrun");
    assertThat(namedResourceProblems(infra(), simrun)).isEmpty();
  }

  // ------------------------------------------------------------------------------ the checks fail

  /** The real configuration with one file's text replaced. */
  static Terraform doctored(String file, String from, String to) {
    Terraform tf = infra();
    String source = read("infra/" + file);
    assertThat(source).as("%s holds %s", file, from).contains(from);
    return tf.add(file, source.replace(from, to));
  }

  @Test
  void anUndeclaredVariableIsNamed() {
    Terraform tf = doctored("variables.tf", "variable \"db_name\"", "variable \"database_name\"");
    assertThat(unresolvedReferences(tf))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).startsWith("var.db_name (").endsWith(") is not declared"))
        .anySatisfy(p -> assertThat(p).contains("main.tf:"));
  }

  @Test
  void anUndefinedLocalAndAMissingResourceAreNamed() {
    Terraform tf = doctored("main.tf", "  cpu_slots = ", "  cpu_slot_count = ");
    assertThat(unresolvedReferences(tf))
        .anySatisfy(p -> assertThat(p).startsWith("local.cpu_slots ("));
    tf =
        doctored(
            "pubsub.tf",
            "resource \"google_pubsub_topic\" \"events\"",
            "resource \"google_pubsub_topic\" \"progress\"");
    assertThat(unresolvedReferences(tf))
        .anySatisfy(p -> assertThat(p).startsWith("google_pubsub_topic.events (cloud_run.tf:"));
  }

  @Test
  void anOutputOfSomethingMissingIsNamed() {
    Terraform tf =
        doctored(
            "outputs.tf",
            "value       = google_sql_database_instance.main.name",
            "value       = google_sql_database_instance.primary.name");
    assertThat(outputProblems(tf))
        .containsExactly(
            "output sql_instance_name refers to google_sql_database_instance.primary, which is not"
                + " declared");
  }

  @Test
  void anEnvironmentVariableCloudRunTfDoesNotSetIsNamed() {
    Terraform tf =
        doctored("cloud_run.tf", "    SIMRUN_PUBSUB_PROJECT           = var.project_id\n", "");
    assertThat(environmentProblems(environments(tf), services()))
        .contains(
            "SIMRUN_PUBSUB_PROJECT is needed by the api service in production but"
                + " infra/cloud_run.tf does not set it",
            "SIMRUN_PUBSUB_PROJECT is needed by the worker_io service in production but"
                + " infra/cloud_run.tf does not set it");
    // A placeholder without a default in application.yml counts, listed or not.
    Map<String, String> yml = new LinkedHashMap<>(services());
    yml.put("api", yml.get("api") + "\nsimrun.extra: ${SIMRUN_SOMETHING_NEW}\n");
    yml.put(
        "worker", yml.get("worker") + "\nsimrun.other: ${SIMRUN_OTHER_URL:`http://127.0.0.1:9`}\n");
    assertThat(environmentProblems(environments(infra()), yml))
        .containsExactly(
            "SIMRUN_SOMETHING_NEW is needed by the api service in production but"
                + " infra/cloud_run.tf does not set it",
            "SIMRUN_OTHER_URL is needed by the worker service in production but"
                + " infra/cloud_run.tf does not set it");
  }

  @Test
  void aQueueTopicOrJobMissingFromTerraformIsNamed() {
    String simrun = read("simrun");
    assertThat(
            namedResourceProblems(
                doctored("cloud_tasks.tf", "\"simulations-batch-io\"", "\"simulations-batch-io2\""),
                simrun))
        .containsExactly(
            "queue simulations-batch-io (TasksConfig.batchIoQueue) is not in"
                + " infra/cloud_tasks.tf",
            "queue simulations-batch-io (./simrun's QUEUES) is not in infra/cloud_tasks.tf");
    assertThat(
            namedResourceProblems(
                doctored("pubsub.tf", "\"simulation-dead-letters\"", "\"dead-letters\""), simrun))
        .containsExactly(
            "topic simulation-dead-letters (PubSubConfig.deadLetterTopic) is not in"
                + " infra/pubsub.tf");
    assertThat(
            namedResourceProblems(
                doctored(
                    "variables.tf", "    nightly = \"0 2 * * *\"", "    daily = \"0 2 * * *\""),
                simrun))
        .containsExactly(
            "Cloud Scheduler job simrun-batch-nightly (./simrun creates it) is not among"
                + " infra/scheduler.tf's jobs [simrun-batch-daily]");
  }
}
