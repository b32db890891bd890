package dev.simrun.worker.testing;

import dev.simrun.worker.TaskAnswer;
import dev.simrun.worker.auth.TaskDelivery;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every answer the worker gave to {@code /tasks/**}, outermost of all filters: what the
 * emulator (or a test) pushed, and what came back. Tests count committed results per task with it.
 */
@ServerFilter("/tasks/**")
public class DeliveryLog implements Ordered {

  /** One answered push; {@code outcome} is the {@link TaskAnswer} outcome, or null for errors. */
  public record Delivery(String path, String taskName, int status, String outcome) {}

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  @RequestFilter
  void arrived(HttpRequest<?> request) {
    inFlight.incrementAndGet();
  }

  @ResponseFilter
  void answered(HttpRequest<?> request, MutableHttpResponse<?> response) {
    String outcome =
        response
            .getBody()
            .filter(TaskAnswer.class::isInstance)
            .map(b -> ((TaskAnswer) b).outcome())
            .orElse(null);
    deliveries.add(
        new Delivery(
            request.getPath(),
            request.getHeaders().get(TaskDelivery.TASK_NAME),
            response.code(),
            outcome));
    inFlight.decrementAndGet();
  }

  public List<Delivery> all() {
    return List.copyOf(deliveries);
  }

  public List<Delivery> ofTask(String taskName) {
    return deliveries.stream().filter(d -> taskName.equals(d.taskName())).toList();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
