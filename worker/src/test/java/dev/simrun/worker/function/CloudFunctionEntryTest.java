package dev.simrun.worker.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.gcp.function.http.GoogleHttpResponse;
import io.micronaut.gcp.function.http.HttpFunction;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker behind the Cloud Functions entry point ({@link HttpFunction}): the same controllers
 * and the same token check answer, without Netty. Driven through the function API, since the
 * framework's local test server sends both Content-Length and chunked encoding.
 */
class CloudFunctionEntryTest {

  @Test
  void theWorkerRunsAsACloudFunction() throws Exception {
    try (WorkerHarness tasks = WorkerHarness.start();
        ApplicationContext context =
            ApplicationContext.builder()
                .environments(Environment.FUNCTION)
                .properties(new HashMap<>(tasks.properties()))
                .start();
        HttpFunction function = new HttpFunction(context)) {
      GoogleHttpResponse health = function.invoke(HttpMethod.GET, "/health");
      assertThat(health.getStatusCode()).as(health.getBodyAsText()).isEqualTo(200);

      UUID simulation = context.getBean(Simulations.class).create(SumKind.Params.of(3, 3));
      String task = Simulations.chunkTask(simulation, 0, 0);

      GoogleHttpResponse refused =
          function.invoke(
              HttpRequest.POST("/tasks/v1/chunks", task).contentType(MediaType.APPLICATION_JSON));
      assertThat(refused.getStatusCode()).isEqualTo(401);
      assertThat(context.getBean(Rows.class).chunk(simulation, 0).attempt()).isZero();

      GoogleHttpResponse ran =
          function.invoke(
              HttpRequest.POST("/tasks/v1/chunks", task)
                  .contentType(MediaType.APPLICATION_JSON)
                  .header("Authorization", "Bearer " + tasks.token()));
      assertThat(ran.getStatusCode()).as(ran.getBodyAsText()).isEqualTo(200);
      Rows.Chunk chunk = context.getBean(Rows.class).chunk(simulation, 0);
      assertThat(chunk.status()).isEqualTo("SUCCEEDED");
      assertThat(chunk.attempt()).isEqualTo(1);
    }
  }
}
