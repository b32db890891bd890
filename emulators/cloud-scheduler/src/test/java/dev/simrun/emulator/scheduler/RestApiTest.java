package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.scheduler.v1.CloudSchedulerClient;
import com.google.cloud.scheduler.v1.HttpTarget;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.JobName;
import com.google.cloud.scheduler.v1.LocationName;
import com.google.protobuf.FieldMask;
import dev.simrun.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API on Google's v1 paths: through the client's HttpJson transport, and raw, for the
 * proto3 JSON and Google's error shape.
 */
class RestApiTest {
  static final TestClock clock = TestClock.at(Instant.parse("2026-03-01T09:00:00Z"));
  static final LocationName LOCATION = LocationName.of("simrun-test", "rest");

  @RegisterExtension
  static CloudSchedulerEmulatorExtension scheduler =
      new CloudSchedulerEmulatorExtension(b -> b.clock(clock));

  static CloudSchedulerClient client;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    client = Clients.httpJson(scheduler.emulator());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  static Job job(String id) {
    return Job.newBuilder()
        .setName(JobName.of("simrun-test", "rest", id).toString())
        .setSchedule("0 3 * * *")
        .setTimeZone("Europe/Berlin")
        .setHttpTarget(HttpTarget.newBuilder().setUri("http://127.0.0.1:9/x"))
        .build();
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(scheduler.emulator().baseUrl() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyMethodWorksThroughTheHttpJsonTransport() {
    Job created = client.createJob(LOCATION, job("via-http"));
    assertThat(created.getState()).isEqualTo(Job.State.ENABLED);
    // 03:00 in Berlin (UTC+1) is 02:00 UTC.
    assertThat(Protos.instant(created.getScheduleTime()))
        .isEqualTo(Instant.parse("2026-03-02T02:00:00Z"));
    assertThat(client.getJob(created.getName())).isEqualTo(created);
    // gax's HttpJson transport maps an error by its HTTP status alone (409 -> ABORTED, 400 ->
    // INVALID_ARGUMENT), against Google as against the emulator; the body says the real status.
    assertThatThrownBy(() -> client.createJob(LOCATION, job("via-http")))
        .isInstanceOf(AbortedException.class)
        .hasMessageContaining("already exists");

    Job updated =
        client.updateJob(
            created.toBuilder().setDescription("patched").setSchedule("ignored").build(),
            FieldMask.newBuilder().addPaths("description").build());
    assertThat(updated.getDescription()).isEqualTo("patched");
    assertThat(updated.getSchedule()).isEqualTo("0 3 * * *");

    assertThat(client.pauseJob(created.getName()).getState()).isEqualTo(Job.State.PAUSED);
    assertThatThrownBy(() -> client.pauseJob(created.getName()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not enabled");
    assertThat(client.resumeJob(created.getName()).getState()).isEqualTo(Job.State.ENABLED);
    assertThat(client.runJob(created.getName()).getName()).isEqualTo(created.getName());

    client.createJob(LOCATION, job("via-http-2"));
    List<String> names = new ArrayList<>();
    client.listJobs(LOCATION).iterateAll().forEach(j -> names.add(j.getName()));
    assertThat(names).contains(created.getName(), job("via-http-2").getName());

    client.deleteJob(created.getName());
    assertThatThrownBy(() -> client.getJob(created.getName()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void speaksProto3JsonAndAnswersErrorsInGooglesShape() throws Exception {
    HttpResponse<String> created =
        call(
            "POST",
            "/v1/projects/simrun-test/locations/rest/jobs",
            """
            {"name": "projects/simrun-test/locations/rest/jobs/raw",
             "schedule": "*/15 * * * *",
             "httpTarget": {"uri": "http://127.0.0.1:9/raw", "httpMethod": "POST",
                            "body": "e30=", "oidcToken": {"serviceAccountEmail": "a@b.c"}},
             "retryConfig": {"retryCount": 2}, "attemptDeadline": "60s"}
            """);
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body())
        .contains("\"state\": \"ENABLED\"")
        .contains("\"scheduleTime\": \"2026-03-01T09:15:00Z\"")
        .contains("\"attemptDeadline\": \"60s\"")
        .contains("\"minBackoffDuration\": \"5s\"");

    HttpResponse<String> patched =
        call(
            "PATCH",
            "/v1/projects/simrun-test/locations/rest/jobs/raw?updateMask=retryConfig.retryCount",
            "{\"retryConfig\": {\"retryCount\": 4}}");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.body()).contains("\"retryCount\": 4");
    assertThat(call("POST", "/v1/projects/simrun-test/locations/rest/jobs/raw:pause", "{}").body())
        .contains("\"state\": \"PAUSED\"");

    HttpResponse<String> conflict =
        call("POST", "/v1/projects/simrun-test/locations/rest/jobs", created.body());
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains("\"code\":409").contains("\"status\":\"ALREADY_EXISTS\"");

    HttpResponse<String> missing =
        call("GET", "/v1/projects/simrun-test/locations/rest/jobs/none", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"status\":\"NOT_FOUND\"");

    HttpResponse<String> invalid =
        call(
            "POST",
            "/v1/projects/simrun-test/locations/rest/jobs",
            "{\"schedule\": \"every day\", \"httpTarget\": {\"uri\": \"http://x/\"}}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("\"status\":\"INVALID_ARGUMENT\"");

    HttpResponse<String> appEngine =
        call(
            "POST",
            "/v1/projects/simrun-test/locations/rest/jobs",
            "{\"schedule\": \"* * * * *\", \"appEngineHttpTarget\": {\"relativeUri\": \"/x\"}}");
    assertThat(appEngine.statusCode()).isEqualTo(501);
    assertThat(appEngine.body()).contains("\"status\":\"UNIMPLEMENTED\"");

    HttpResponse<String> faults = call("PUT", "/emulator/v1/faults", "{\"dropResponse\": 1}");
    assertThat(faults.statusCode()).isEqualTo(400);
    assertThat(call("GET", "/emulator/v1/stats", null).body())
        .contains("\"projects/simrun-test/locations/rest/jobs/raw\":{\"state\":\"PAUSED\"");
  }
}
