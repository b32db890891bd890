package dev.simrun.shared.events.pubsub;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.deadletters.DeadLetterPublisher;
import dev.simrun.shared.events.EventFeed;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.NoEvents;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event ports as this process's configuration wants them: Pub/Sub adapters when {@code
 * simrun.pubsub.enabled}, otherwise {@link NoEvents}.
 */
@Factory
class EventsFactory {
  private static final Logger LOG = LoggerFactory.getLogger(EventsFactory.class);

  private final PubSubConfig config;
  private PubSubConnections connections;

  EventsFactory(PubSubConfig config) {
    this.config = config;
  }

  private synchronized PubSubConnections connections() {
    if (connections == null) {
      connections = new PubSubConnections(config);
      if (config.createTopics()) {
        createTopic(config.topicName(config.eventsTopic()));
        createTopic(config.topicName(config.deadLetterTopic()));
      }
    }
    return connections;
  }

  private void createTopic(String topic) {
    try (TopicAdminClient admin = connections.topicAdmin()) {
      admin.createTopic(topic);
      LOG.info("created topic {}", topic);
    } catch (AlreadyExistsException e) {
      // made by another process
    } catch (RuntimeException e) {
      LOG.warn("cannot create topic {} now: {}", topic, e.toString());
    }
  }

  @Singleton
  @Bean(preDestroy = "close")
  EventPublisher eventPublisher(ObjectMapper json) {
    if (!config.enabled()) {
      return new NoEvents();
    }
    return new PubSubEventPublisher(config, connections(), json);
  }

  @Singleton
  @Bean(preDestroy = "close")
  DeadLetterPublisher deadLetterPublisher(ObjectMapper json) {
    if (!config.enabled()) {
      return DeadLetterPublisher.NONE;
    }
    return new PubSubDeadLetterPublisher(config, connections(), json);
  }

  /** Only the api subscribes; the worker never asks for this bean. */
  @Singleton
  EventFeed eventFeed(ObjectMapper json, Clock clock) {
    if (!config.enabled()) {
      return new NoEvents();
    }
    String instance = "api-" + UUID.randomUUID().toString().substring(0, 8);
    return new PubSubEventFeed(config, connections(), json, clock, instance);
  }
}
