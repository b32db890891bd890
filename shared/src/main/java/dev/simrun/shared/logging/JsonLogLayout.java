package dev.simrun.shared.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line, in the shape Cloud Logging reads from a Cloud Run container's stdout:
 * {@code severity}, {@code message} (with the stack trace of an exception, where Error Reporting
 * finds it), {@code time}, {@code logging.googleapis.com/trace}, {@code .../spanId} and {@code
 * .../trace_sampled} of the span current where the line was logged, {@code logger}, {@code thread},
 * and the {@link LogFields} of the work. Strings are escaped by Jackson, so quotes, newlines and
 * any Unicode stay one valid line.
 */
public class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  static final String TRACE = "logging.googleapis.com/trace";
  static final String SPAN_ID = "logging.googleapis.com/spanId";
  static final String TRACE_SAMPLED = "logging.googleapis.com/trace_sampled";

  private static final JsonFactory JSON = new JsonFactory();

  private String projectId = "";

  /** The Google Cloud project the traces belong to; without one the trace is the bare trace id. */
  public void setProjectId(String projectId) {
    this.projectId = projectId == null ? "" : projectId.strip();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("severity", severity(event.getLevel()));
      json.writeStringField("message", message(event));
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      SpanContext span = Span.current().getSpanContext();
      if (span.isValid()) {
        json.writeStringField(
            TRACE,
            projectId.isEmpty()
                ? span.getTraceId()
                : "projects/" + projectId + "/traces/" + span.getTraceId());
        json.writeStringField(SPAN_ID, span.getSpanId());
        json.writeBooleanField(TRACE_SAMPLED, span.isSampled());
      }
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      for (Map.Entry<String, String> field : event.getMDCPropertyMap().entrySet()) {
        if (field.getValue() != null) {
          json.writeStringField(field.getKey(), field.getValue());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }

  @Override
  public String getContentType() {
    return "application/json";
  }

  private static String message(ILoggingEvent event) {
    IThrowableProxy error = event.getThrowableProxy();
    String message = event.getFormattedMessage();
    return error == null
        ? message
        : message + CoreConstants.LINE_SEPARATOR + ThrowableProxyUtil.asString(error);
  }

  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG";
    };
  }
}
