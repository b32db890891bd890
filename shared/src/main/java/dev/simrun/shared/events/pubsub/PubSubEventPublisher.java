package dev.simrun.shared.events.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController.LimitExceededBehavior;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.tracing.TraceContext;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to the events topic with the simulation id as ordering key and the attributes
 * subscribers filter on ({@code simulationId}, {@code owner}, {@code type}, {@code v}), and the
 * {@code traceparent} (and {@code tracestate}) of the span that published them.
 *
 * <p>Batching is tuned for latency: a batch leaves after {@link PubSubConfig#publishDelay()} (10
 * ms) or {@link PubSubConfig#publishBatchSize()} events, whichever comes first. That adds up to 10
 * ms to every event and costs one publish request per 10 ms per ordering key while events flow; the
 * client's default (1 ms, 100 events) sends more, smaller requests, and its per-request cost
 * dominates a burst. A failed publish pauses its ordering key; the key is resumed at once, and the
 * durable events of that batch still reach clients through the log.
 */
public final class PubSubEventPublisher implements EventPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubEventPublisher.class);

  /** Events waiting to be sent at most; more are dropped (the log keeps the durable ones). */
  static final long MAX_OUTSTANDING = 10_000;

  static final long MAX_OUTSTANDING_BYTES = 64L * 1024 * 1024;

  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Publisher publisher;
  private final ObjectMapper json;

  PubSubEventPublisher(PubSubConfig config, PubSubConnections connections, ObjectMapper json) {
    this.json = json;
    try {
      this.publisher =
          Publisher.newBuilder(TopicName.parse(config.topicName(config.eventsTopic())))
              .setChannelProvider(connections.channels())
              .setCredentialsProvider(connections.credentials())
              .setEnableMessageOrdering(true)
              .setBatchingSettings(
                  BatchingSettings.newBuilder()
                      .setElementCountThreshold((long) config.publishBatchSize())
                      .setRequestByteThreshold(1_000_000L)
                      .setDelayThresholdDuration(config.publishDelay())
                      // A broker that is down must not grow the heap: beyond this, publish fails.
                      .setFlowControlSettings(
                          FlowControlSettings.newBuilder()
                              .setMaxOutstandingElementCount(MAX_OUTSTANDING)
                              .setMaxOutstandingRequestBytes(MAX_OUTSTANDING_BYTES)
                              .setLimitExceededBehavior(LimitExceededBehavior.ThrowException)
                              .build())
                      .build())
              .setRetrySettings(
                  RetrySettings.newBuilder()
                      .setInitialRetryDelayDuration(Duration.ofMillis(100))
                      .setRetryDelayMultiplier(2)
                      .setMaxRetryDelayDuration(Duration.ofSeconds(5))
                      .setInitialRpcTimeoutDuration(config.callTimeout())
                      .setRpcTimeoutMultiplier(1)
                      .setMaxRpcTimeoutDuration(config.callTimeout())
                      .setTotalTimeoutDuration(config.callTimeout().multipliedBy(6))
                      .build())
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Pub/Sub publisher", e);
    }
  }

  @Override
  public void publish(List<SimulationEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    // The trace of the work that caused them (a chunk, a finalize, a submit): once per call.
    Map<String, String> trace = TraceContext.current().map(TraceContext::headers).orElse(Map.of());
    for (SimulationEvent event : events) {
      String key = event.simulationId().toString();
      PubsubMessage message;
      try {
        message =
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(json.writeValueAsBytes(event)))
                .setOrderingKey(key)
                .putAttributes("simulationId", key)
                .putAttributes("owner", event.owner())
                .putAttributes("type", event.type())
                .putAttributes("v", Integer.toString(event.v()))
                .putAllAttributes(trace)
                .build();
      } catch (IOException e) {
        LOG.error("cannot encode event {} of {}", event.type(), key, e);
        continue;
      }
      ApiFuture<String> sent = publisher.publish(message);
      ApiFutures.addCallback(
          sent,
          new ApiFutureCallback<>() {
            @Override
            public void onFailure(Throwable t) {
              LOG.warn(
                  "event {} #{} of {} not published: {}",
                  event.type(),
                  event.id(),
                  key,
                  t.toString());
              publisher.resumePublish(key);
            }

            @Override
            public void onSuccess(String messageId) {}
          },
          MoreExecutors.directExecutor());
    }
  }

  /** Sends what is queued, waiting {@link #CLOSE_WAIT} at most; see {@link #shutdown}. */
  @Override
  public void close() {
    shutdown(publisher, "events", LOG);
  }

  /**
   * Shuts {@code publisher} down, waiting {@link #CLOSE_WAIT} at most: {@link Publisher#shutdown()}
   * waits for every outstanding message, forever while the broker is unreachable.
   */
  static void shutdown(Publisher publisher, String what, Logger log) {
    Thread shutdown =
        Thread.ofVirtual().name("pubsub-" + what + "-shutdown").start(publisher::shutdown);
    try {
      if (!shutdown.join(CLOSE_WAIT)) {
        log.warn("{} still unpublished after {}; dropping them", what, CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
