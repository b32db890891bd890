package dev.simrun.shared.events.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.deadletters.DeadLetter;
import dev.simrun.shared.deadletters.DeadLetterPublisher;
import dev.simrun.shared.tracing.TraceContext;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each dead letter as JSON to the dead-letter topic, with {@code simulationId}, {@code
 * chunk} and {@code deadLetterId} attributes to filter on in Console, and the {@code traceparent}
 * of the chunk that failed. Dead letters are rare: the client's default batching and retries suit
 * them.
 */
final class PubSubDeadLetterPublisher implements DeadLetterPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubDeadLetterPublisher.class);

  private final Publisher publisher;
  private final ObjectMapper json;

  PubSubDeadLetterPublisher(PubSubConfig config, PubSubConnections connections, ObjectMapper json) {
    this.json = json;
    try {
      this.publisher =
          Publisher.newBuilder(TopicName.parse(config.topicName(config.deadLetterTopic())))
              .setChannelProvider(connections.channels())
              .setCredentialsProvider(connections.credentials())
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the dead-letter publisher", e);
    }
  }

  @Override
  public void publish(DeadLetter letter) {
    PubsubMessage message;
    try {
      message =
          PubsubMessage.newBuilder()
              .setData(ByteString.copyFrom(json.writeValueAsBytes(letter)))
              .putAttributes("simulationId", letter.simulationId().toString())
              .putAttributes("chunk", Integer.toString(letter.chunkIndex()))
              .putAttributes("deadLetterId", letter.id().toString())
              .putAllAttributes(TraceContext.current().map(TraceContext::headers).orElse(Map.of()))
              .build();
    } catch (IOException e) {
      LOG.error("cannot encode dead letter {}", letter.id(), e);
      return;
    }
    ApiFuture<String> sent = publisher.publish(message);
    ApiFutures.addCallback(
        sent,
        new ApiFutureCallback<>() {
          @Override
          public void onFailure(Throwable t) {
            LOG.warn(
                "dead letter {} not published (it is stored; the api lists it): {}",
                letter.id(),
                t.toString());
          }

          @Override
          public void onSuccess(String messageId) {}
        },
        MoreExecutors.directExecutor());
  }

  @Override
  public void close() {
    PubSubEventPublisher.shutdown(publisher, "dead letters", LOG);
  }
}
