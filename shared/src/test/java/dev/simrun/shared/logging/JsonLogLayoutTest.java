package dev.simrun.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class JsonLogLayoutTest {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN_ID = "00f067aa0ba902b7";
  static final ObjectMapper JSON = ObjectMapper.getDefault();

  final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  final Logger logger = context.getLogger("dev.simrun.worker.chunks.ChunkRunner");
  final JsonLogLayout layout = new JsonLogLayout();

  Map<String, Object> layout(Level level, String message, Throwable error) throws Exception {
    layout.setContext(context);
    layout.start();
    LoggingEvent event =
        new LoggingEvent(Logger.class.getName(), logger, level, message, error, null);
    String line = layout.doLayout(event);
    assertThat(line).endsWith("\n");
    assertThat(line.strip()).as("one line").doesNotContain("\n");
    return JSON.readValue(line, Argument.mapOf(String.class, Object.class));
  }

  @Test
  @SuppressWarnings("try")
  void aLineCarriesSeverityTraceSpanAndTheWorksFields() throws Exception {
    layout.setProjectId("simrun-prod");
    UUID simulation = UUID.randomUUID();
    Span span =
        Span.wrap(
            SpanContext.create(
                TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()));
    Map<String, Object> line;
    try (Scope ignored = span.makeCurrent();
        LogFields fields = LogFields.chunk(simulation, 3)) {
      try (LogFields claimed = LogFields.claimed(2, "ann")) {
        line = layout(Level.WARN, "chunk failed", null);
      }
      assertThat(MDC.get(LogFields.ATTEMPT)).as("closing removes what it added").isNull();
      assertThat(MDC.get(LogFields.CHUNK)).isEqualTo("3");
    }
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    assertThat(line.get("severity")).isEqualTo("WARNING");
    assertThat(line.get("message")).isEqualTo("chunk failed");
    assertThat(line.get("logging.googleapis.com/trace"))
        .isEqualTo("projects/simrun-prod/traces/" + TRACE_ID);
    assertThat(line.get("logging.googleapis.com/spanId")).isEqualTo(SPAN_ID);
    assertThat(line.get("logging.googleapis.com/trace_sampled")).isEqualTo(true);
    assertThat(line.get("simulationId")).isEqualTo(simulation.toString());
    assertThat(line.get("chunk")).isEqualTo("3");
    assertThat(line.get("attempt")).isEqualTo("2");
    assertThat(line.get("owner")).isEqualTo("ann");
    assertThat(line.get("logger")).isEqualTo("dev.simrun.worker.chunks.ChunkRunner");
    assertThat(line.get("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat((String) line.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void quotesNewlinesUnicodeAndStackTracesStayOneValidLine() throws Exception {
    String message = "a \"quoted\" name,\nline two\ttab \\ backslash, ünïcødé ✓ 🚀, \u0001 control";
    Map<String, Object> line =
        layout(Level.ERROR, message, new IllegalStateException("boom \"x\""));
    assertThat(line.get("severity")).isEqualTo("ERROR");
    assertThat((String) line.get("message"))
        .startsWith(message + "\n")
        .contains("java.lang.IllegalStateException: boom \"x\"")
        .contains("at dev.simrun.shared.logging.JsonLogLayoutTest");
    assertThat(line.containsKey("logging.googleapis.com/trace")).as("no span, no trace").isFalse();
  }

  @Test
  void severitiesAreCloudLoggings() {
    assertThat(JsonLogLayout.severity(Level.TRACE)).isEqualTo("DEBUG");
    assertThat(JsonLogLayout.severity(Level.DEBUG)).isEqualTo("DEBUG");
    assertThat(JsonLogLayout.severity(Level.INFO)).isEqualTo("INFO");
    assertThat(JsonLogLayout.severity(Level.WARN)).isEqualTo("WARNING");
    assertThat(JsonLogLayout.severity(Level.ERROR)).isEqualTo("ERROR");
  }

  @Test
  @SuppressWarnings("try")
  void withoutAProjectTheTraceIsTheBareId() throws Exception {
    Span span =
        Span.wrap(
            SpanContext.create(
                TRACE_ID, SPAN_ID, TraceFlags.getDefault(), TraceState.getDefault()));
    Map<String, Object> line;
    try (Scope ignored = span.makeCurrent()) {
      line = layout(Level.INFO, "hello", null);
    }
    assertThat(line.get("logging.googleapis.com/trace")).isEqualTo(TRACE_ID);
    assertThat(line.get("logging.googleapis.com/trace_sampled")).isEqualTo(false);
  }
}
