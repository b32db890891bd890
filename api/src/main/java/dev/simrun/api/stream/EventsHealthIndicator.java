package dev.simrun.api.stream;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code events} in {@code /health}: UP while the Pub/Sub feed works, DEGRADED (still serving, HTTP
 * 200) while it does not: durable events then reach clients from the log, progress does not.
 */
@Singleton
class EventsHealthIndicator implements HealthIndicator {
  static final HealthStatus DEGRADED =
      new HealthStatus("DEGRADED", "live events come from the event log only", true, null);

  private final LiveEvents live;
  private final EventHub hub;

  EventsHealthIndicator(LiveEvents live, EventHub hub) {
    this.live = live;
    this.hub = hub;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Mono.fromCallable(
            () ->
                HealthResult.builder("events", live.feedHealthy() ? HealthStatus.UP : DEGRADED)
                    .details(Map.of("streams", hub.streams()))
                    .build())
        .subscribeOn(Schedulers.boundedElastic());
  }
}
