package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The emulator as {@code ./simrun emulator} runs it: its own process, options, log lines. */
class StandaloneEmulatorTest {
  static final String QUEUE = "projects/simrun-local/locations/local/queues/standalone";

  @Test
  void parsesItsOptions() {
    EmulatorSettings s =
        Main.parse(
                new String[] {
                  "--port=0",
                  "--queue",
                  QUEUE,
                  "--task-name-reservation",
                  "PT5M",
                  "--min-dispatch-deadline",
                  "2",
                  "--faults",
                  "d=0.1,c=0.05,r=0.05",
                  "--seed",
                  "42"
                })
            .settings();
    assertThat(s.port()).isZero();
    assertThat(s.queues()).containsExactly(QUEUE);
    assertThat(s.taskNameReservation()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.minDispatchDeadline()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.faults()).isEqualTo(new FaultPlan(0.1, 0.05, 0.05));
    assertThat(s.randomSeed()).isEqualTo(42);
    assertThat(Main.parse(new String[0]).settings().port()).isEqualTo(8123);
    assertThatThrownBy(() -> Main.parse(new String[] {"--faults", "x=1"}))
        .hasMessageContaining("unknown fault");
    assertThatThrownBy(() -> Main.parse(new String[] {"--faults", "d=2"}))
        .hasMessageContaining("probability");
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "eighty"}))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> Main.parse(new String[] {"--queue", "not-a-queue"}))
        .hasMessageContaining("Queue name");
    assertThatThrownBy(() -> Main.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("unknown option");
  }

  @Test
  void runsAsAProcessAndLogsOneJsonLinePerDispatchAttempt() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--port",
                "0",
                "--queue",
                QUEUE)
            .redirectErrorStream(true)
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
              } catch (Exception ignored) {
                // the process ended
              }
            });
    try (TestReceiver receiver = TestReceiver.start()) {
      String ready = nextMatching(lines, "cloud-tasks-emulator ready on ");
      String endpoint = ready.substring(ready.lastIndexOf(' ') + 1);
      receiver.respond(d -> TestReceiver.Response.status(d.retryCount() == 0 ? 503 : 200));

      HttpResponse<String> created =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + endpoint + "/v2/" + QUEUE + "/tasks"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"task\":{\"name\":\""
                                  + QUEUE
                                  + "/tasks/logged\",\"httpRequest\":{\"url\":\""
                                  + receiver.url("/logged")
                                  + "\"}}}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(200);

      Struct first = json(nextMatching(lines, "{\"event\":\"dispatch\""));
      Struct second = json(nextMatching(lines, "{\"event\":\"dispatch\""));
      assertThat(first.getFieldsOrThrow("task").getStringValue()).isEqualTo("logged");
      assertThat(first.getFieldsOrThrow("queue").getStringValue()).isEqualTo("standalone");
      assertThat(first.getFieldsOrThrow("attempt").getNumberValue()).isEqualTo(1);
      assertThat(first.getFieldsOrThrow("status").getNumberValue()).isEqualTo(503);
      assertThat(first.getFieldsOrThrow("result").getStringValue()).isEqualTo("retry-scheduled");
      assertThat(second.getFieldsOrThrow("attempt").getNumberValue()).isEqualTo(2);
      assertThat(second.getFieldsOrThrow("status").getNumberValue()).isEqualTo(200);
      assertThat(second.getFieldsOrThrow("result").getStringValue()).isEqualTo("success");
      assertThat(receiver.deliveriesOf("logged")).hasSize(2);
    } finally {
      process.destroy();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  private static String nextMatching(BlockingQueue<String> lines, String prefix)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      seen.add(line);
    }
    throw new AssertionError("no line starting with " + prefix + " in " + seen);
  }

  private static Struct json(String line) throws Exception {
    Struct.Builder b = Struct.newBuilder();
    JsonFormat.parser().merge(line, b);
    return b.build();
  }
}
