package dev.simrun.api.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Terraform configuration read as text, enough to check it offline (the Google provider cannot
 * be downloaded here, so {@code terraform validate} cannot run): which variables, locals,
 * resources, data sources and outputs it declares, what it references, and the text of each local.
 *
 * <p>Each file is kept twice, at the same offsets: without comments, and also without the literal
 * parts of strings ({@link #code}), so that a name mentioned in a description or an error message
 * is not taken for a reference. Interpolations ({@code ${...}}) count as code.
 */
final class Terraform {
  private static final Pattern VARIABLE = Pattern.compile("(?m)^variable\\s+\"([^\"]+)\"");
  private static final Pattern OUTPUT = Pattern.compile("(?m)^output\\s+\"([^\"]+)\"");
  private static final Pattern RESOURCE =
      Pattern.compile("(?m)^(resource|data)\\s+\"([^\"]+)\"\\s+\"([^\"]+)\"");
  private static final Pattern LOCALS = Pattern.compile("(?m)^locals\\s*\\{");
  private static final Pattern MOVED = Pattern.compile("(?m)^moved\\s*\\{");
  private static final Pattern ASSIGNMENT = Pattern.compile("(?m)^[ \\t]*([A-Za-z0-9_]+)\\s*=");
  private static final Pattern VAR_REF = Pattern.compile("(?<![\\w.])var\\.([A-Za-z0-9_]+)");
  private static final Pattern LOCAL_REF = Pattern.compile("(?<![\\w.])local\\.([A-Za-z0-9_]+)");
  private static final Pattern DATA_REF =
      Pattern.compile("(?<![\\w.])data\\.([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)");
  private static final Pattern RESOURCE_REF =
      Pattern.compile("(?<![\\w.\"])((?:google|random)_[A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)");

  /** One file: its text without comments, and the same with string literals blanked. */
  record File(String name, String text, String code) {}

  /** A reference and where it is. */
  record Reference(String kind, String name, String file, int line) {
    @Override
    public String toString() {
      return kind + "." + name + " (" + file + ":" + line + ")";
    }
  }

  final Map<String, File> files = new TreeMap<>();

  static Terraform read(Path folder) {
    Terraform terraform = new Terraform();
    try (Stream<Path> paths = Files.list(folder)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".tf")).sorted().toList()) {
        terraform.add(path.getFileName().toString(), Files.readString(path));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terraform;
  }

  Terraform add(String name, String source) {
    String[] parts = strip(source);
    files.put(name, new File(name, parts[0], parts[1]));
    return this;
  }

  Set<String> variables() {
    return names(VARIABLE, 1);
  }

  Set<String> outputs() {
    return names(OUTPUT, 1);
  }

  /** Resources as {@code type.name}, data sources as {@code data.type.name}. */
  Set<String> resources() {
    Set<String> names = new LinkedHashSet<>();
    for (File file : files.values()) {
      Matcher m = RESOURCE.matcher(file.text());
      while (m.find()) {
        names.add((m.group(1).equals("data") ? "data." : "") + m.group(2) + "." + m.group(3));
      }
    }
    return names;
  }

  /** Every local, its name and the text of its expression (comments removed). */
  Map<String, String> locals() {
    Map<String, String> locals = new LinkedHashMap<>();
    for (File file : files.values()) {
      Matcher block = LOCALS.matcher(file.code());
      while (block.find()) {
        int open = block.end() - 1;
        int close = matching(file.code(), open);
        // Assignments at the block's own depth start a local; the next one ends it.
        int depth = 0;
        String name = null;
        int start = 0;
        for (int i = open + 1; i < close; i++) {
          char c = file.code().charAt(i);
          if (c == '{' || c == '(' || c == '[') {
            depth++;
          } else if (c == '}' || c == ')' || c == ']') {
            depth--;
          } else if (depth == 0 && (i == open + 1 || file.code().charAt(i - 1) == '\n')) {
            Matcher a = ASSIGNMENT.matcher(file.code()).region(i, close);
            if (a.lookingAt()) {
              if (name != null) {
                locals.put(name, file.text().substring(start, i).strip());
              }
              name = a.group(1);
              start = a.end();
            }
          }
        }
        if (name != null) {
          locals.put(name, file.text().substring(start, close).strip());
        }
      }
    }
    return locals;
  }

  /** The text of the block that starts with {@code header} (e.g. {@code resource "x" "y"}). */
  String block(String header) {
    for (File file : files.values()) {
      int at = file.text().indexOf(header);
      if (at >= 0) {
        int open = file.code().indexOf('{', at);
        return file.text().substring(open, matching(file.code(), open) + 1);
      }
    }
    throw new IllegalArgumentException("no block " + header);
  }

  /**
   * Every {@code var.}, {@code local.}, {@code data.} and resource reference in code, except the
   * former addresses that {@code moved} blocks name.
   */
  Set<Reference> references() {
    Set<Reference> refs = new LinkedHashSet<>();
    for (File original : files.values()) {
      File file = withoutMovedBlocks(original);
      collect(file, VAR_REF, "var", refs);
      collect(file, LOCAL_REF, "local", refs);
      Matcher data = DATA_REF.matcher(file.code());
      while (data.find()) {
        refs.add(
            new Reference(
                "data", data.group(1) + "." + data.group(2), file.name(), line(file, data)));
      }
      Matcher resource = RESOURCE_REF.matcher(file.code());
      while (resource.find()) {
        refs.add(
            new Reference(resource.group(1), resource.group(2), file.name(), line(file, resource)));
      }
    }
    return refs;
  }

  /** References in the block that starts with {@code header}, e.g. one output. */
  static Set<String> referencesIn(String blockText) {
    Set<String> refs = new LinkedHashSet<>();
    Terraform one = new Terraform().add("block", blockText);
    one.references().forEach(r -> refs.add(r.kind() + "." + r.name()));
    return refs;
  }

  private static File withoutMovedBlocks(File file) {
    StringBuilder code = new StringBuilder(file.code());
    Matcher moved = MOVED.matcher(file.code());
    while (moved.find()) {
      int close = matching(file.code(), moved.end() - 1);
      for (int i = moved.start(); i <= close; i++) {
        if (code.charAt(i) != '\n') {
          code.setCharAt(i, ' ');
        }
      }
    }
    return new File(file.name(), file.text(), code.toString());
  }

  private static void collect(File file, Pattern pattern, String kind, Set<Reference> refs) {
    Matcher m = pattern.matcher(file.code());
    while (m.find()) {
      refs.add(new Reference(kind, m.group(1), file.name(), line(file, m)));
    }
  }

  private static int line(File file, Matcher m) {
    return (int) file.code().substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
  }

  private Set<String> names(Pattern pattern, int group) {
    Set<String> names = new LinkedHashSet<>();
    for (File file : files.values()) {
      Matcher m = pattern.matcher(file.text());
      while (m.find()) {
        names.add(m.group(group));
      }
    }
    return names;
  }

  /** The offset of the bracket that closes the one at {@code open}, in code text. */
  static int matching(String code, int open) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '{' || c == '(' || c == '[') {
        depth++;
      } else if (c == '}' || c == ')' || c == ']') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unbalanced brackets from offset " + open);
  }

  /**
   * {@code [text without comments, the same with string literals blanked]}, offsets kept. Strings
   * may hold interpolations, which may hold strings; heredocs ({@code <<-EOT}) are literals.
   */
  static String[] strip(String source) {
    StringBuilder text = new StringBuilder(source.length());
    StringBuilder code = new StringBuilder(source.length());
    // The stack holds, for each open interpolation, its brace depth; an empty stack inside a
    // string means the literal part of the string.
    Deque<int[]> interpolations = new ArrayDeque<>();
    boolean inString = false;
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (inString) {
        if (c == '\\' && i + 1 < source.length()) {
          literal(text, code, source.substring(i, i + 2));
          i += 2;
        } else if (c == '"') {
          both(text, code, c);
          inString = false;
          i++;
        } else if (source.startsWith("${", i)) {
          both(text, code, '$');
          both(text, code, '{');
          interpolations.push(new int[] {1});
          inString = false;
          i += 2;
        } else {
          literal(text, code, String.valueOf(c));
          i++;
        }
        continue;
      }
      if (c == '#' || source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        end = end < 0 ? source.length() : end;
        blank(text, code, end - i);
        i = end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i) + 2;
        for (int j = i; j < end; j++) {
          char k = source.charAt(j) == '\n' ? '\n' : ' ';
          both(text, code, k);
        }
        i = end;
      } else if (source.startsWith("<<", i) && heredoc(source, i) != null) {
        String marker = heredoc(source, i);
        Matcher end =
            Pattern.compile("(?m)^\\s*" + Pattern.quote(marker) + "\\s*$").matcher(source);
        int stop = end.find(source.indexOf('\n', i)) ? end.end() : source.length();
        literal(text, code, source.substring(i, stop));
        i = stop;
      } else if (c == '"') {
        both(text, code, c);
        inString = true;
        i++;
      } else {
        if (!interpolations.isEmpty()) {
          if (c == '{') {
            interpolations.peek()[0]++;
          } else if (c == '}' && --interpolations.peek()[0] == 0) {
            interpolations.pop();
            both(text, code, c);
            inString = true;
            i++;
            continue;
          }
        }
        both(text, code, c);
        i++;
      }
    }
    return new String[] {text.toString(), code.toString()};
  }

  private static String heredoc(String source, int at) {
    Matcher m = Pattern.compile("<<-?([A-Z_]+)\\s*\\n").matcher(source).region(at, source.length());
    return m.lookingAt() ? m.group(1) : null;
  }

  private static void both(StringBuilder text, StringBuilder code, char c) {
    text.append(c);
    code.append(c);
  }

  private static void literal(StringBuilder text, StringBuilder code, String s) {
    text.append(s);
    s.chars().forEach(c -> code.append(c == '\n' ? '\n' : ' '));
  }

  private static void blank(StringBuilder text, StringBuilder code, int n) {
    text.append(" ".repeat(n));
    code.append(" ".repeat(n));
  }
}
