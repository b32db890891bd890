package dev.simrun.problems;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.micronaut.serde.exceptions.SerdeException;
import io.micronaut.serde.exceptions.path.CollectionItemReferencePath;
import io.micronaut.serde.exceptions.path.MapItemReferencePath;
import io.micronaut.serde.exceptions.path.ReferencePath;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns JSON parse and decode errors into what a caller can act on: the path of the field that did
 * not fit ({@code grid.fast[2]}), and a message without parser internals.
 */
public final class JsonErrors {
  private static final Pattern DECODING_PREFIX =
      Pattern.compile("^(Error decoding property \\[[^]]*] of type \\[[^]]*]: )+");
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; ");
  private static final Pattern UNKNOWN = Pattern.compile("^Unknown property \\[[^]]*] .*");

  private JsonErrors() {}

  /** The path of the field serde could not decode, dotted, or {@code ""} for the whole value. */
  public static String path(Throwable error) {
    SerdeException serde = find(error, SerdeException.class);
    if (serde == null) {
      return "";
    }
    List<ReferencePath> innermostFirst = serde.getPath();
    StringBuilder path = new StringBuilder();
    for (int i = innermostFirst.size() - 1; i >= 0; i--) {
      switch (innermostFirst.get(i)) {
        case CollectionItemReferencePath item -> path.append('[').append(item.index()).append(']');
        case MapItemReferencePath item -> dot(path).append(item.key());
        case ReferencePath property -> dot(path).append(property.getArgument().getName());
      }
    }
    return path.toString();
  }

  /** A one-line message: the decoder's complaint and, when known, where in the text it is. */
  public static String message(Throwable error) {
    JsonProcessingException parse = find(error, JsonProcessingException.class);
    if (parse != null) {
      JsonLocation at = parse.getLocation();
      String what = SOURCE.matcher(firstLine(parse.getOriginalMessage())).replaceAll("[");
      return at == null
          ? what
          : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
    Throwable top = find(error, SerdeException.class);
    String message = firstLine((top != null ? top : error).getMessage());
    message = DECODING_PREFIX.matcher(message).replaceFirst("");
    return UNKNOWN.matcher(message).matches() ? "is not a known field" : message;
  }

  private static StringBuilder dot(StringBuilder path) {
    return path.isEmpty() ? path : path.append('.');
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be decoded";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
