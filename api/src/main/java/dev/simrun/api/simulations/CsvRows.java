package dev.simrun.api.simulations;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated, CRLF line ends, a cell quoted when it holds a comma, a quote or a
 * line break (quotes doubled inside). Null and non-finite numbers are written empty.
 */
final class CsvRows {
  private CsvRows() {}

  static byte[] encode(List<? extends List<?>> rows) {
    StringBuilder out = new StringBuilder(rows.size() * 96);
    for (List<?> row : rows) {
      append(out, row);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static void append(StringBuilder out, List<?> row) {
    for (int i = 0; i < row.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      cell(out, row.get(i));
    }
    out.append("\r\n");
  }

  private static void cell(StringBuilder out, Object value) {
    switch (value) {
      case null -> {}
      case Double d when !Double.isFinite(d) -> {}
      case Float f when !Float.isFinite(f) -> {}
      case Number n -> out.append(n);
      case Boolean b -> out.append(b);
      default -> {
        String text = value.toString();
        if (text.indexOf(',') < 0
            && text.indexOf('"') < 0
            && text.indexOf('\n') < 0
            && text.indexOf('\r') < 0) {
          out.append(text);
        } else {
          out.append('"').append(text.replace("\"", "\"\"")).append('"');
        }
      }
    }
  }
}
