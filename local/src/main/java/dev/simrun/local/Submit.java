package dev.simrun.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Posts a simulation request to a running api, shows its progress in the terminal and prints the
 * top of the result: {@code Submit FILE [--api URL] [--user NAME] [--role ROLE] [--issuer URL]
 * [--token TOKEN] [--top N] [--timeout SECONDS] [--csv OUT]}.
 *
 * <p>A {@code "dataset"} field whose value is {@code "file:PATH"} (relative to the request file)
 * names a CSV to upload first ({@code POST /api/v1/datasets}); the request is sent with the new
 * dataset's id in its place. {@code --csv OUT} saves the result as CSV ({@code result.csv}).
 *
 * <p>It signs in as the local stack's development user {@code --user} (default {@code local}) at
 * the development issuer {@code --issuer} ({@link DevSignIn}), or sends {@code --token} as it is.
 */
public final class Submit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Submit() {}

  public static void main(String[] args) throws Exception {
    String file = null;
    String api = "http://127.0.0.1:8080";
    String user = "local";
    String role = null;
    String issuer = "http://127.0.0.1:8123";
    String token = null;
    int top = 10;
    long timeoutSeconds = 1800;
    Path csv = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api" -> api = args[++i];
        case "--user" -> user = args[++i];
        case "--role" -> role = args[++i];
        case "--issuer" -> issuer = args[++i];
        case "--token" -> token = args[++i];
        case "--top" -> top = Integer.parseInt(args[++i]);
        case "--timeout" -> timeoutSeconds = Long.parseLong(args[++i]);
        case "--csv" -> csv = Path.of(args[++i]);
        default -> file = args[i];
      }
    }
    if (file == null) {
      System.err.println(
          "usage: submit FILE [--api URL] [--user NAME] [--role ROLE] [--issuer URL] [--token TOKEN] [--top N] [--timeout S] [--csv OUT]");
      System.exit(2);
    }
    String authorization;
    try {
      authorization = "Bearer " + (token != null ? token : DevSignIn.idToken(issuer, user, role));
    } catch (IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.exit(
        run(Path.of(file), api, authorization, top, Duration.ofSeconds(timeoutSeconds), csv));
  }

  static int run(Path file, String api, String authorization, int top, Duration timeout, Path csv)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    JsonNode request = JSON.readTree(file.toFile());
    if (!uploadDatasets(http, api, authorization, file.toAbsolutePath().getParent(), request)) {
      return 1;
    }
    long start = System.nanoTime();
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/simulations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (posted.statusCode() != 202 && posted.statusCode() != 200) {
      System.err.println("rejected (" + posted.statusCode() + "): " + problem(posted.body()));
      return 1;
    }
    JsonNode accepted = JSON.readTree(posted.body());
    String id = accepted.path("id").asText();
    System.out.printf(
        "submitted %s: %d chunks (%.0f ms)%n",
        id, accepted.path("chunkCount").asInt(), (System.nanoTime() - start) / 1e6);

    Progress bar = new Progress(System.console() != null);
    Watch watch = new Watch(accepted.path("chunkCount").asInt());
    long deadline = start + timeout.toNanos();
    while (!watch.finished()) {
      if (System.nanoTime() > deadline) {
        bar.end();
        System.err.println("gave up waiting after " + timeout.toSeconds() + " s");
        return 1;
      }
      // The stream closes after the last event; if it breaks first, resume after the last id.
      stream(http, api + "/api/v1/simulations/" + id + "/events", authorization, watch, bar, start);
    }
    JsonNode view = get(http, api + "/api/v1/simulations/" + id, authorization);
    bar.end();
    String status = view.path("status").asText();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!status.equals("SUCCEEDED")) {
      System.err.printf("%s after %.1f s: %s%n", status, seconds, view.path("error").asText(""));
      return 1;
    }
    System.out.printf("SUCCEEDED in %.1f s%n", seconds);
    JsonNode result = get(http, api + "/api/v1/simulations/" + id + "/result", authorization);
    printResult(result, top);
    if (csv != null) {
      HttpResponse<Path> saved =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/api/v1/simulations/" + id + "/result.csv"))
                  .header("Authorization", authorization)
                  .build(),
              HttpResponse.BodyHandlers.ofFile(csv));
      if (saved.statusCode() != 200) {
        System.err.println("result.csv answered " + saved.statusCode());
        return 1;
      }
      System.out.printf("result.csv saved to %s%n", csv);
    }
    return 0;
  }

  /**
   * Uploads every {@code "dataset": "file:PATH"} in the request and puts the dataset's id in its
   * place; false, with the problem printed, when an upload is refused.
   */
  static boolean uploadDatasets(
      HttpClient http, String api, String authorization, Path dir, JsonNode node) throws Exception {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        String text = field.getValue().isTextual() ? field.getValue().asText() : "";
        if (field.getKey().equals("dataset") && text.startsWith("file:")) {
          Path csv = dir.resolve(text.substring("file:".length()));
          String name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
          HttpResponse<String> uploaded =
              http.send(
                  HttpRequest.newBuilder(URI.create(api + "/api/v1/datasets?name=" + name))
                      .timeout(Duration.ofMinutes(2))
                      .header("Content-Type", "text/csv")
                      .header("Authorization", authorization)
                      .POST(HttpRequest.BodyPublishers.ofFile(csv))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (uploaded.statusCode() != 201) {
            System.err.println(
                "upload of "
                    + csv
                    + " refused ("
                    + uploaded.statusCode()
                    + "): "
                    + problem(uploaded.body()));
            return false;
          }
          JsonNode dataset = JSON.readTree(uploaded.body());
          System.out.printf(
              "uploaded %s: dataset %s, %d bars%n",
              csv.getFileName(), dataset.path("id").asText(), dataset.path("rows").asInt());
          field.setValue(TextNode.valueOf(dataset.path("id").asText()));
        } else if (!uploadDatasets(http, api, authorization, dir, field.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Reads one connection of the simulation's event stream into {@code watch}. */
  private static void stream(
      HttpClient http, String url, String authorization, Watch watch, Progress bar, long start)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "text/event-stream")
            .header("Authorization", authorization);
    if (watch.lastId > 0) {
      request.header("Last-Event-ID", Long.toString(watch.lastId));
    }
    HttpResponse<java.util.stream.Stream<String>> r =
        http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
    }
    String id = null;
    String name = null;
    String data = null;
    try (java.util.stream.Stream<String> lines = r.body()) {
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data = line.substring(5).strip();
        } else if (line.isEmpty() && data != null) {
          watch.apply(id, name, JSON.readTree(data));
          bar.show(watch, (System.nanoTime() - start) / 1e9);
          id = null;
          name = null;
          data = null;
        }
      }
    } catch (java.io.UncheckedIOException e) {
      // the connection broke: the caller resumes after the last id
    }
  }

  /**
   * What the stream said so far: the last durable id, chunk counts and running chunks' progress.
   */
  static final class Watch {
    long lastId;
    int done;
    int total;
    String status = "QUEUED";
    final java.util.Map<Integer, Double> running = new java.util.HashMap<>();

    Watch(int total) {
      this.total = total;
    }

    void apply(String id, String name, JsonNode event) {
      if (id != null) {
        lastId = Long.parseLong(id);
      }
      JsonNode data = event.path("data");
      switch (name == null ? "" : name) {
        case "snapshot" -> {
          status = event.path("status").asText(status);
          done = event.path("chunks").path("succeeded").asInt(done);
          total = event.path("chunks").path("total").asInt(total);
        }
        case "simulation.started" -> status = "RUNNING";
        case "chunk.progress" ->
            running.put(data.path("chunk").asInt(), data.path("fraction").asDouble());
        case "chunk.succeeded" -> {
          running.remove(data.path("chunk").asInt());
          done = Math.max(done, data.path("chunksDone").asInt());
        }
        case "simulation.succeeded" -> status = "SUCCEEDED";
        case "simulation.failed" -> status = "FAILED";
        case "simulation.cancelled" -> status = "CANCELLED";
        default -> {}
      }
    }

    double fraction() {
      double partial = running.values().stream().mapToDouble(Double::doubleValue).sum();
      return total == 0 ? 0 : Math.min(1, (done + partial) / total);
    }

    boolean finished() {
      return switch (status) {
        case "SUCCEEDED", "FAILED", "CANCELLED", "PARTIAL" -> true;
        default -> false;
      };
    }
  }

  private static JsonNode get(HttpClient http, String url, String authorization) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static String problem(String body) {
    try {
      JsonNode p = JSON.readTree(body);
      StringBuilder b = new StringBuilder(p.path("detail").asText(p.path("title").asText(body)));
      for (JsonNode e : p.path("errors")) {
        b.append("\n  ")
            .append(e.path("field").asText())
            .append(": ")
            .append(e.path("message").asText());
      }
      return b.toString();
    } catch (Exception e) {
      return body;
    }
  }

  /**
   * A leaderboard, a forecast's agents or a climate portfolio as a table; any other result as
   * indented JSON.
   */
  static void printResult(JsonNode result, int top) throws Exception {
    JsonNode rows = result.path("leaderboard");
    if (result.path("agents").isArray() && result.has("ensembleMetrics")) {
      rows = forecastRows(result);
    } else if (result.path("portfolio").isArray()) {
      rows = climateRows(result);
    }
    if (!rows.isArray() || rows.isEmpty()) {
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
      return;
    }
    List<String> columns = new ArrayList<>();
    for (Iterator<String> it = rows.get(0).fieldNames(); it.hasNext(); ) {
      String column = it.next();
      if (!column.equals("equityCurve")) { // hundreds of points: the CSV and JSON hold them
        columns.add(column);
      }
    }
    List<List<String>> table = new ArrayList<>();
    table.add(columns);
    for (int i = 0; i < Math.min(top, rows.size()); i++) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        JsonNode v = rows.get(i).path(c);
        cells.add(cell(v));
      }
      table.add(cells);
    }
    int[] widths = new int[columns.size()];
    for (List<String> row : table) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    System.out.printf("top %d of %d:%n", table.size() - 1, rows.size());
    for (List<String> row : table) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        line.append(String.format("%" + widths[c] + "s  ", row.get(c)));
      }
      System.out.println(line.toString().stripTrailing());
    }
  }

  /** A forecast's agents and ensemble, one row each with its metrics (the days are in the CSV). */
  private static JsonNode forecastRows(JsonNode result) {
    var rows = JSON.createArrayNode();
    for (JsonNode agent : result.path("agents")) {
      rows.addObject()
          .put("agent", agent.path("name").asText())
          .setAll((ObjectNode) agent.path("metrics"));
    }
    rows.addObject()
        .put("agent", "ensemble (" + result.path("ensemble").asText() + ")")
        .setAll((ObjectNode) result.path("ensembleMetrics"));
    return rows;
  }

  /**
   * A climate-risk portfolio in the first and last year of each scenario: its AAL, as a share of
   * its value, and its largest site (the units, site paths and tails are in the JSON and CSV).
   */
  private static JsonNode climateRows(JsonNode result) {
    var rows = JSON.createArrayNode();
    JsonNode portfolio = result.path("portfolio");
    for (int i = 0; i < portfolio.size(); i++) {
      JsonNode year = portfolio.get(i);
      String scenario = year.path("scenario").asText();
      boolean first = i == 0 || !portfolio.get(i - 1).path("scenario").asText().equals(scenario);
      boolean last =
          i == portfolio.size() - 1
              || !portfolio.get(i + 1).path("scenario").asText().equals(scenario);
      if (first || last) {
        JsonNode top = year.path("topSites").path(0);
        rows.addObject()
            .put("scenario", scenario)
            .put("year", year.path("year").asInt())
            .put("totalAal", year.path("totalAal").asDouble())
            .put(
                "aalPerValue",
                year.path("totalAal").asDouble() / year.path("assetValue").asDouble())
            .put("topSite", top.path("site").asText())
            .put("topSiteAal", top.path("aal").asDouble());
      }
    }
    return rows;
  }

  /** A number to 4 decimals; an object (a unit's parameters) as {@code k=v} pairs. */
  private static String cell(JsonNode v) {
    if (v.isFloatingPointNumber()) {
      return String.format(Locale.ROOT, "%.4f", v.asDouble());
    }
    if (v.isObject()) {
      List<String> pairs = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().isNull()) {
          pairs.add(e.getKey() + "=" + cell(e.getValue()));
        }
      }
      return String.join(" ", pairs);
    }
    return v.asText();
  }

  /**
   * One line that redraws in a terminal (10 times a second at most), or a line every 2 s in a log.
   */
  private static final class Progress {
    private final boolean tty;
    private double lastPrinted = -10;

    Progress(boolean tty) {
      this.tty = tty;
    }

    void show(Watch watch, double seconds) {
      if (seconds - lastPrinted < (tty ? 0.1 : 2) && !watch.finished()) {
        return;
      }
      lastPrinted = seconds;
      double p = watch.fraction();
      int width = 30;
      int filled = (int) Math.round(p * width);
      String line =
          String.format(
              Locale.ROOT,
              "[%s%s] %5.1f%%  %d/%d chunks  %-9s %6.1fs",
              "#".repeat(filled),
              ".".repeat(width - filled),
              p * 100,
              watch.done,
              watch.total,
              watch.status,
              seconds);
      System.out.print(tty ? "\r" + line : line + "\n");
      System.out.flush();
    }

    void end() {
      if (tty) {
        System.out.println();
      }
    }
  }
}
