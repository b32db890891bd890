package dev.simrun.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Posts a simulation request to a running api, shows its progress in the terminal and prints the
 * top of the result: {@code Submit FILE [--api URL] [--user NAME] [--top N] [--timeout SECONDS]}.
 */
public final class Submit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Submit() {}

  public static void main(String[] args) throws Exception {
    String file = null;
    String api = "http://127.0.0.1:8080";
    String user = "local";
    int top = 10;
    long timeoutSeconds = 1800;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api" -> api = args[++i];
        case "--user" -> user = args[++i];
        case "--top" -> top = Integer.parseInt(args[++i]);
        case "--timeout" -> timeoutSeconds = Long.parseLong(args[++i]);
        default -> file = args[i];
      }
    }
    if (file == null) {
      System.err.println("usage: submit FILE [--api URL] [--user NAME] [--top N] [--timeout S]");
      System.exit(2);
    }
    System.exit(run(Path.of(file), api, user, top, Duration.ofSeconds(timeoutSeconds)));
  }

  static int run(Path file, String api, String user, int top, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long start = System.nanoTime();
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/simulations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-SimRun-User", user)
                .POST(HttpRequest.BodyPublishers.ofFile(file))
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
    JsonNode view;
    while (true) {
      view = get(http, api + "/api/v1/simulations/" + id, user);
      bar.show(view, (System.nanoTime() - start) / 1e9);
      String status = view.path("status").asText();
      if (status.equals("SUCCEEDED")
          || status.equals("FAILED")
          || status.equals("CANCELLED")
          || status.equals("PARTIAL")) {
        break;
      }
      if (System.nanoTime() - start > timeout.toNanos()) {
        bar.end();
        System.err.println("gave up waiting after " + timeout.toSeconds() + " s");
        return 1;
      }
      Thread.sleep(250);
    }
    bar.end();
    String status = view.path("status").asText();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!status.equals("SUCCEEDED")) {
      System.err.printf("%s after %.1f s: %s%n", status, seconds, view.path("error").asText(""));
      return 1;
    }
    System.out.printf("SUCCEEDED in %.1f s%n", seconds);
    JsonNode result = get(http, api + "/api/v1/simulations/" + id + "/result", user);
    printResult(result, top);
    return 0;
  }

  private static JsonNode get(HttpClient http, String url, String user) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("X-SimRun-User", user)
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

  /** A leaderboard as a table; any other result as indented JSON. */
  static void printResult(JsonNode result, int top) throws Exception {
    JsonNode rows = result.path("leaderboard");
    if (!rows.isArray() || rows.isEmpty()) {
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
      return;
    }
    List<String> columns = new ArrayList<>();
    for (Iterator<String> it = rows.get(0).fieldNames(); it.hasNext(); ) {
      columns.add(it.next());
    }
    List<List<String>> table = new ArrayList<>();
    table.add(columns);
    for (int i = 0; i < Math.min(top, rows.size()); i++) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        JsonNode v = rows.get(i).path(c);
        cells.add(
            v.isFloatingPointNumber()
                ? String.format(Locale.ROOT, "%.4f", v.asDouble())
                : v.asText());
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

  /** One line that redraws in a terminal, or a line every few seconds in a log. */
  private static final class Progress {
    private final boolean tty;
    private double lastPrinted = -10;

    Progress(boolean tty) {
      this.tty = tty;
    }

    void show(JsonNode view, double seconds) {
      if (!tty && seconds - lastPrinted < 2) {
        return;
      }
      lastPrinted = seconds;
      double p = view.path("progress").asDouble();
      JsonNode c = view.path("chunks");
      int width = 30;
      int filled = (int) Math.round(p * width);
      String line =
          String.format(
              Locale.ROOT,
              "[%s%s] %5.1f%%  %d/%d chunks  %-9s %6.1fs",
              "#".repeat(filled),
              ".".repeat(width - filled),
              p * 100,
              c.path("succeeded").asInt(),
              c.path("total").asInt(),
              view.path("status").asText(),
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
