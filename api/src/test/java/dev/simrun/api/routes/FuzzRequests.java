package dev.simrun.api.routes;

import dev.simrun.api.routes.ApiRoutes.Resource;
import dev.simrun.api.routes.ApiRoutes.Route;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Generates requests across {@link ApiRoutes}, all from one seeded {@link Random}: the same seed
 * gives the same requests. Each mixes what a careless or hostile client sends: malformed JSON,
 * wrong JSON types, huge, negative and non-numbers, very long strings, odd Unicode (right-to-left
 * marks, zero-width characters, lone surrogates, NUL, invalid UTF-8), deep nesting, wrong content
 * types, random path segments and query values, missing, forged, expired and misdirected tokens, a
 * token in the query string, the session cookie without its CSRF header, and other owners' ids.
 */
final class FuzzRequests {
  /** One generated request; {@code route} null for a path no route serves. */
  record Fuzzed(
      Route route,
      String label,
      String method,
      String uri,
      List<String[]> headers,
      byte[] body,
      boolean chunked,
      String credentials,
      String shape) {

    /** What the method says it may change: a refusal must have changed no row. */
    boolean changes() {
      return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }

    /** The request, readable and short enough for a failure message. */
    String describe() {
      StringBuilder b = new StringBuilder(method).append(' ').append(uri);
      headers.forEach(h -> b.append("\n  ").append(h[0]).append(": ").append(abbreviate(h[1])));
      if (body != null) {
        String text = new String(body, StandardCharsets.UTF_8);
        b.append("\n  body (")
            .append(body.length)
            .append(" bytes")
            .append(chunked ? ", chunked" : "")
            .append("): ")
            .append(abbreviate(escape(text)));
      }
      return b.toString();
    }

    private static String abbreviate(String s) {
      return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + ")";
    }

    private static String escape(String s) {
      StringBuilder b = new StringBuilder();
      s.codePoints()
          .forEach(
              c -> {
                if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffd) {
                  b.append(String.format("\\u%04x", c));
                } else {
                  b.appendCodePoint(c);
                }
              });
      return b.toString();
    }
  }

  /** Credentials to send, by what they are. */
  record Credentials(
      String annBearer,
      String bobBearer,
      String operatorBearer,
      Map<String, String> badTokens,
      String annToken,
      String annSession) {}

  static final String[] ODD = {
    "",
    " ",
    "\u202Eevil\u202C",
    "\u200B",
    "a\u200Db\uFEFF",
    "\u0000",
    "a\u0000b",
    "\uD800",
    "\uDFFF",
    "x\uDC00y",
    "\uD83D\uDE00",
    "e\u0301",
    "\u0130",
    "\uFB01",
    "\uFFFF",
    "\uFFFE",
    "\u2028\u2029",
    "\r\n",
    "\t",
    "'",
    "\"",
    "\\",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "${jndi:ldap://x}",
    "%s%n",
    "NaN",
    "null",
    "\u0663\u0664",
    "\uD835\uDFD8",
    "\uFF21\uFF22",
    "\u0085",
    "\u001b[31m",
    "ann",
    "prices",
    "test-units",
    "operator",
    "QUEUED",
    "open"
  };

  /** JSON number texts, some of them not JSON at all (NaN, hex, leading plus). */
  static final String[] NUMBERS = {
    "0",
    "-1",
    "1",
    "2",
    "-0",
    "4",
    "100",
    "1e309",
    "-1e309",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483647",
    "2147483648",
    "-2147483649",
    "99999999999999999999999999999999999999",
    "1.5",
    "1e-400",
    "0.0000001",
    "10000001",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "01",
    "+1",
    ".5",
    "1e2"
  };

  /** Percent-escapes that decode to nothing valid, or to something a parser may trip on. */
  static final String[] RAW_ESCAPES = {
    "%00",
    "%ED%A0%80",
    "%C0%AF",
    "%FF%FE",
    "%E2%80%AE",
    "%2F",
    "%2e%2e",
    "%0D%0A",
    "%C3%28",
    "%F4%90%80%80"
  };

  private static final String[] CONTENT_TYPES = {
    "application/json",
    "text/csv",
    "multipart/form-data",
    "multipart/form-data; boundary=B",
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/json; charset=utf-16",
    "application/json; charset=nonsense",
    "*/*",
    "garbage",
    ";;;",
    "application/problem+json",
    "text/event-stream"
  };

  private static final String[] ACCEPTS = {
    "application/json", "text/csv", "text/event-stream", "application/xml", "*/*", "text/html", "x"
  };

  private static final String[] STATUSES = {
    "QUEUED", "running", "Succeeded", "FAILED", "OPEN", "open", "REPLAYED", "discarded", "LOST", ""
  };

  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

  private final Random random;
  private final Credentials credentials;
  private final Resources.Owned ann;
  private final Resources.Owned bob;

  FuzzRequests(Random random, Credentials credentials, Resources.Owned ann, Resources.Owned bob) {
    this.random = random;
    this.credentials = credentials;
    this.ann = ann;
    this.bob = bob;
  }

  Fuzzed next() {
    Route route = ApiRoutes.ALL.get(random.nextInt(ApiRoutes.ALL.size()));
    boolean offTable = chance(0.03);
    String method = chance(0.92) ? route.method().name() : pick(METHODS);
    String path = offTable ? offTablePath() : route.path(id(route));
    List<String> query = new ArrayList<>(offTable ? List.of() : query(route));
    List<String[]> headers = new ArrayList<>();
    String who = credentials(headers, query, method);
    if (!query.isEmpty() && chance(0.1)) {
      query.add(random.nextInt(query.size() + 1), chance(0.5) ? "" : query.getFirst());
    }
    String uri = path + (query.isEmpty() ? "" : "?" + String.join("&", query));

    String shape = "none";
    byte[] body = null;
    boolean natural = chance(0.75);
    if (!method.equals("GET") || chance(0.03)) {
      String[] made = body(route);
      shape = made[0];
      body = made[2] == null ? null : bytes(made[2], made[0]);
      if (body != null && shape.startsWith("json") && chance(0.3)) {
        String[] corrupted = corrupt(body);
        shape = shape + "+" + corrupted[0];
        body = corrupted[1].getBytes(StandardCharsets.ISO_8859_1);
      }
      if (body != null && chance(0.01)) {
        shape = shape + "+over-1MiB";
        body = oversized();
      }
      String type = natural ? made[1] : (chance(0.1) ? null : pick(CONTENT_TYPES));
      if (type != null && body != null) {
        headers.add(new String[] {"Content-Type", type});
      }
    }
    if (chance(0.1)) {
      headers.add(new String[] {"Accept", pick(ACCEPTS)});
    }
    if (route.body() == ApiRoutes.Body.SUBMIT && chance(0.3)) {
      headers.add(new String[] {"Idempotency-Key", headerValue()});
    }
    if (route.stream() && chance(0.3)) {
      headers.add(new String[] {"Last-Event-ID", chance(0.5) ? pick(NUMBERS) : headerValue()});
    }
    return new Fuzzed(
        offTable ? null : route,
        offTable ? "(no route)" : route.key(),
        method,
        uri,
        headers,
        body,
        body != null && chance(0.1),
        who,
        shape);
  }

  // --- who calls -------------------------------------------------------------------------------

  private String credentials(List<String[]> headers, List<String> query, String method) {
    double r = random.nextDouble();
    String auth = "Authorization";
    if (r < 0.30) {
      headers.add(new String[] {auth, credentials.annBearer()});
      return "owner";
    } else if (r < 0.38) {
      headers.add(new String[] {auth, credentials.bobBearer()});
      return "other owner";
    } else if (r < 0.46) {
      headers.add(new String[] {auth, credentials.operatorBearer()});
      return "operator";
    } else if (r < 0.56) {
      return "none";
    } else if (r < 0.70) {
      String kind = pick(credentials.badTokens().keySet().toArray(String[]::new));
      headers.add(new String[] {auth, "Bearer " + credentials.badTokens().get(kind)});
      return kind;
    } else if (r < 0.74) {
      String[] junk = {
        "Bearer " + word(), "Bearer", "Basic YW5uOmFubg==", "ann", "Bearer eyJ.eyJ.x", "Bearer  "
      };
      headers.add(new String[] {auth, pick(junk)});
      return "garbage";
    } else if (r < 0.77) {
      String[] parts = credentials.annToken().split("\\.");
      headers.add(new String[] {auth, "Bearer " + parts[0] + "." + parts[1] + "."});
      return "unsigned";
    } else if (r < 0.84) {
      headers.add(new String[] {"Cookie", "simrun_session=" + credentials.annSession()});
      headers.add(new String[] {"X-SimRun-CSRF", "1"});
      return "cookie+csrf";
    } else if (r < 0.91) {
      headers.add(new String[] {"Cookie", "simrun_session=" + credentials.annSession()});
      if (!method.equals("GET") && !method.equals("OPTIONS") && chance(0.3)) {
        // Only where the CSRF guard answers first: the CORS filter answers a foreign origin on
        // its own, with no body.
        headers.add(new String[] {"Origin", "https://evil.example"});
      } else if (chance(0.3)) {
        headers.add(new String[] {"Sec-Fetch-Site", pick(new String[] {"cross-site", "none"})});
      }
      return "cookie without csrf";
    } else if (r < 0.94) {
      String session = credentials.annSession();
      headers.add(
          new String[] {
            "Cookie", "simrun_session=" + session.substring(0, session.length() - 4) + "AAAA"
          });
      headers.add(new String[] {"X-SimRun-CSRF", "1"});
      return "forged cookie";
    } else {
      headers.add(new String[] {auth, credentials.annBearer()});
      String[] names = {"access_token", "id_token", "token", "jwt", "q", "Authorization"};
      query.add(
          pick(names)
              + "="
              + (chance(0.7) ? credentials.annToken() : "Bearer%20" + credentials.annToken()));
      return "token in query";
    }
  }

  // --- where -----------------------------------------------------------------------------------

  private String id(Route route) {
    if (!route.hasId()) {
      return "";
    }
    double r = random.nextDouble();
    if (r < 0.40) {
      return ann.of(route.resource()).toString();
    } else if (r < 0.55) {
      return bob.of(route.resource()).toString();
    } else if (r < 0.65) {
      Resource other =
          pick(new Resource[] {Resource.SIMULATION, Resource.DATASET, Resource.DEAD_LETTER});
      return ann.of(other).toString();
    } else if (r < 0.75) {
      UUID u = UUID.randomUUID();
      return chance(0.8) ? u.toString() : u.toString().toUpperCase();
    }
    String[] odd = {
      pathSegment(pick(ODD)),
      pick(RAW_ESCAPES),
      "99999999999999999999",
      "-1",
      "NaN",
      "00000000-0000-0000-0000-000000000000",
      UUID.randomUUID().toString().replace("-", ""),
      "%7B" + UUID.randomUUID() + "%7D",
      UUID.randomUUID() + "%00",
      ".",
      "..",
      pathSegment(longString(chance(0.5) ? 300 : 3000)),
      UUID.randomUUID() + "/" + word(),
      pathSegment(pick(ODD) + UUID.randomUUID())
    };
    return pick(odd);
  }

  private String offTablePath() {
    String[] paths = {
      "/api/v1/" + pathSegment(word()),
      "/api/v1/simulations/" + UUID.randomUUID() + "/" + pathSegment(word()),
      "/api/v2/simulations",
      "/api/v1/admin/" + pathSegment(pick(ODD)),
      "/api/v1/admin",
      "/api",
      "/api/",
      "/api/v1//simulations",
      "/api/v1/simulations/",
      "/api/v1/" + pick(RAW_ESCAPES),
      "/api/v1/datasets/" + UUID.randomUUID() + "/bars"
    };
    return pick(paths);
  }

  private List<String> query(Route route) {
    List<String> q = new ArrayList<>();
    String t = route.template();
    boolean list = route.method().name().equals("GET") && !route.hasId() && !route.stream();
    if (list && !t.endsWith("/me")) {
      param(q, "limit", chance(0.5) ? Integer.toString(random.nextInt(102)) : pick(NUMBERS));
      param(q, "cursor", chance(0.3) ? word() : text());
    }
    if (t.equals("/api/v1/simulations") || t.endsWith("dead-letters")) {
      if (list) {
        param(q, "status", chance(0.6) ? pick(STATUSES) : text());
      }
    }
    if (t.endsWith("dead-letters") && list) {
      param(q, "simulationId", chance(0.6) ? ann.simulation().toString() : text());
    }
    if (t.startsWith("/api/v1/admin/") && list) {
      param(q, "owner", chance(0.5) ? word() : text());
    }
    if (t.equals("/api/v1/datasets") && route.method().name().equals("POST")) {
      param(q, "name", chance(0.5) ? word() : text());
    }
    if (route.stream() && route.hasId()) {
      param(q, "lastEventId", chance(0.6) ? pick(NUMBERS) : text());
    }
    if (chance(0.1)) {
      q.add(encode(text()) + "=" + encode(text()));
    }
    if (chance(0.08)) {
      String[] names = {"limit", "status", "cursor", "name", "owner", "simulationId", "x"};
      q.add(pick(names) + "=" + pick(RAW_ESCAPES));
    }
    return q;
  }

  private void param(List<String> q, String name, String value) {
    if (chance(0.5)) {
      q.add(name + "=" + encode(value));
    }
  }

  // --- what ------------------------------------------------------------------------------------

  /** {shape, content type, text}; text null for no body. */
  private String[] body(Route route) {
    return switch (route.body()) {
      case NONE -> chance(0.7) ? new String[] {"none", null, null} : anyJson();
      case EMPTY -> chance(0.6) ? new String[] {"empty", "application/json", ""} : anyJson();
      case SUBMIT -> new String[] {"json submit", "application/json", submit()};
      case SIGN_IN -> new String[] {"json sign-in", "application/json", signIn()};
      case DATASET -> dataset();
      case BATCH ->
          chance(0.5)
              ? new String[] {"json batch", "application/json", Resources.BATCH}
              : new String[] {
                "json batch", "application/json", "{\"simulations\": [" + submit() + "]}"
              };
    };
  }

  private String[] anyJson() {
    return new String[] {"json value", "application/json", json(3)};
  }

  private String submit() {
    if (chance(0.3)) {
      // A valid spec, so that the path that accepts and stores one is fuzzed too.
      return "{\"kind\":\"test-units\",\"params\":{\"units\":"
          + (1 + random.nextInt(40))
          + "},\"chunking\":{\"unitsPerChunk\":"
          + (1 + random.nextInt(10))
          + "}"
          + (chance(0.5) ? ",\"name\":" + str(text()) : "")
          + (chance(0.3) ? ",\"priority\":\"batch\"" : "")
          + "}";
    }
    List<String> fields = new ArrayList<>();
    field(
        fields,
        "kind",
        chance(0.8)
            ? str("test-units")
            : str(
                pick(
                    new String[] {
                      "strategy-backtest", "forecast-backtest", "climate-risk", "nope", ""
                    })));
    field(fields, "params", params());
    field(fields, "chunking", "{\"unitsPerChunk\":" + number() + "}");
    field(fields, "priority", str(pick(new String[] {"interactive", "batch", "BATCH", "x"})));
    field(fields, "name", str(chance(0.5) ? word() : text()));
    field(
        fields,
        "failurePolicy",
        pick(new String[] {str("failFast"), "{\"tolerate\":" + number() + "}", str("x")}));
    if (chance(0.1)) {
      fields.add(str(text()) + ":" + json(2));
    }
    return "{" + String.join(",", fields) + "}";
  }

  private String params() {
    List<String> fields = new ArrayList<>();
    field(fields, "units", number());
    if (chance(0.3)) {
      field(fields, "failAt", number());
    }
    if (chance(0.2)) {
      field(fields, "options", "{\"delayMs\":" + number() + "}");
    }
    return "{" + String.join(",", fields) + "}";
  }

  /** A field of a generated object: as planned, as any JSON value, or left out. */
  private void field(List<String> fields, String name, String value) {
    double r = random.nextDouble();
    if (r < 0.75) {
      fields.add(str(name) + ":" + value);
    } else if (r < 0.9) {
      fields.add(str(name) + ":" + json(2));
    }
  }

  private String signIn() {
    List<String> fields = new ArrayList<>();
    field(fields, "user", str(chance(0.5) ? word() : text()));
    if (chance(0.4)) {
      field(fields, "role", str(chance(0.5) ? "operator" : text()));
    }
    return "{" + String.join(",", fields) + "}";
  }

  private String[] dataset() {
    String csv = csv();
    if (chance(0.7)) {
      return new String[] {"csv", "text/csv", csv};
    }
    String boundary = "B" + random.nextInt(1000);
    String filename = chance(0.5) ? "prices.csv" : text();
    String part =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + (chance(0.9) ? "file" : text())
            + "\"; filename=\""
            + filename
            + "\"\r\nContent-Type: text/csv\r\n\r\n"
            + csv
            + "\r\n";
    if (chance(0.3)) {
      part +=
          "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + text();
      part += "\r\n";
    }
    String end = "--" + boundary + "--\r\n";
    String body = part + end;
    double r = random.nextDouble();
    if (r < 0.15) {
      body = body.substring(0, random.nextInt(body.length()));
    } else if (r < 0.25) {
      boundary = "other";
    }
    String type =
        chance(0.85) ? "multipart/form-data; boundary=" + boundary : "multipart/form-data";
    return new String[] {"multipart", type, body};
  }

  private String csv() {
    if (chance(0.2)) {
      return Resources.CSV;
    }
    StringBuilder b = new StringBuilder();
    if (chance(0.9)) {
      b.append(chance(0.9) ? "timestamp,open,high,low,close,volume" : text()).append('\n');
    }
    int rows = random.nextInt(chance(0.9) ? 8 : 200);
    long t = 1_700_000_000L;
    for (int i = 0; i < rows; i++) {
      t += chance(0.9) ? 86_400 : -86_400 * random.nextInt(3);
      List<String> cells = new ArrayList<>();
      cells.add(chance(0.85) ? Long.toString(t) : cell());
      int columns = chance(0.9) ? 5 : random.nextInt(9);
      for (int c = 0; c < columns; c++) {
        cells.add(chance(0.8) ? Integer.toString(90 + random.nextInt(20)) : cell());
      }
      b.append(String.join(chance(0.97) ? "," : ";", cells)).append(chance(0.9) ? "\n" : "\r\n");
    }
    return b.toString();
  }

  private String cell() {
    return chance(0.5) ? pick(NUMBERS) : chance(0.5) ? text() : "\"" + text() + "\"";
  }

  /** Any JSON value, {@code depth} levels deep at most. */
  private String json(int depth) {
    int kind = random.nextInt(depth > 0 ? 7 : 5);
    return switch (kind) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> number();
      case 3, 4 -> str(text());
      case 5 -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(json(depth - 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
      default -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          String[] keys = {"kind", "params", "units", "user", "role", "chunking", text()};
          items.add(str(pick(keys)) + ":" + json(depth - 1));
        }
        yield "{" + String.join(",", items) + "}";
      }
    };
  }

  private String number() {
    double r = random.nextDouble();
    if (r < 0.5) {
      return pick(NUMBERS);
    } else if (r < 0.8) {
      return Integer.toString(1 + random.nextInt(50));
    }
    return Long.toString(random.nextLong());
  }

  /** A JSON string; control characters and lone surrogates as escapes, as JSON allows. */
  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
        if (paired) {
          b.append(c).append(s.charAt(++i));
        } else {
          b.append(String.format("\\u%04x", (int) c));
        }
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** A JSON text broken one way or another: {what was done, the bytes as ISO-8859-1}. */
  private String[] corrupt(byte[] utf8) {
    String s = new String(utf8, StandardCharsets.ISO_8859_1);
    int at = s.isEmpty() ? 0 : random.nextInt(s.length());
    return switch (random.nextInt(12)) {
      case 0 -> new String[] {"truncated", s.substring(0, at)};
      case 1 ->
          new String[] {
            "char inserted", s.substring(0, at) + pick("{}[],:\"'\\") + s.substring(at)
          };
      case 2 -> new String[] {"raw NUL", s.substring(0, at) + "\u0000" + s.substring(at)};
      case 3 ->
          new String[] {"invalid UTF-8", s.substring(0, at) + invalidUtf8() + s.substring(at)};
      case 4 ->
          new String[] {"trailing garbage", s + pick(new String[] {",", "}", "]]]", "x", "{}"})};
      case 5 -> new String[] {"BOM", "\u00EF\u00BB\u00BF" + s};
      case 6 -> new String[] {"single quotes", s.replace('"', '\'')};
      case 7 -> new String[] {"in an array", "[" + s + "]"};
      case 8 -> new String[] {"deep arrays", deep("[", "]")};
      case 9 -> new String[] {"deep objects", deep("{\"params\":", "}")};
      case 10 -> new String[] {"long string", latin1("{\"kind\":\"" + longString(200_000) + "\"}")};
      default -> new String[] {"comment", "/* */" + s};
    };
  }

  /** The UTF-8 bytes of {@code s}, one char each, as {@link #corrupt} works on them. */
  private static String latin1(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private String deep(String open, String close) {
    int depth = pick(new Integer[] {100, 1_000, 5_000, 50_000});
    return open.repeat(depth) + "1" + close.repeat(depth);
  }

  private String invalidUtf8() {
    String[] bytes = {
      "\u00C3\u0028", "\u00ED\u00A0\u0080", "\u00FF", "\u00C0\u00AF", "\u00F8\u0088"
    };
    return pick(bytes);
  }

  private byte[] bytes(String text, String shape) {
    if (shape.startsWith("json") && chance(0.03)) {
      return text.getBytes(StandardCharsets.UTF_16);
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] oversized() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("{\"name\":\"".getBytes(StandardCharsets.UTF_8));
    b.writeBytes("x".repeat((1 << 20) + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8));
    b.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  // --- values ----------------------------------------------------------------------------------

  /** A string made of odd pieces. */
  private String text() {
    if (chance(0.05)) {
      return longString(chance(0.5) ? 100 : 5_000);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      b.append(pick(ODD));
    }
    return b.toString();
  }

  private String longString(int length) {
    String unit = pick(new String[] {"x", "\u202E", "\u200B", "\uD83D\uDE00", "é"});
    return unit.repeat(Math.max(1, length / unit.length()));
  }

  private String word() {
    String letters = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
    StringBuilder b = new StringBuilder();
    for (int i = 1 + random.nextInt(12); i > 0; i--) {
      b.append(letters.charAt(random.nextInt(letters.length())));
    }
    return b.toString();
  }

  /** A header value: printable ASCII only, which is all an HTTP client may send as text. */
  private String headerValue() {
    return chance(0.2)
        ? "k".repeat(1 + random.nextInt(5_000))
        : word() + pick(new String[] {"", " ", "%00", "\t1"});
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String pathSegment(String s) {
    return encode(s).replace("+", "%20");
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private <T> T pick(T[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private String pick(String chars) {
    return String.valueOf(chars.charAt(random.nextInt(chars.length())));
  }
}
