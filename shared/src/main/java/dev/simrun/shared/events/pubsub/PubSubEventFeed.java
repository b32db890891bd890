package dev.simrun.shared.events.pubsub;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import dev.simrun.shared.config.PubSubConfig;
import dev.simrun.shared.events.EventFeed;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's subscription to the events topic: created at start with a name that carries the
 * instance id, message ordering on, short retention and an expiration policy (so the subscription
 * of an instance that died goes away by itself), and deleted at {@link #stop()}. Events are
 * acknowledged once handed to the sink. A watchdog restarts the subscriber (and re-creates the
 * subscription) after the broker was unreachable.
 */
public final class PubSubEventFeed implements EventFeed {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubEventFeed.class);
  static final Duration WATCH_EVERY = Duration.ofSeconds(2);
  static final Duration HEALTH_FOR = Duration.ofSeconds(3);

  private final PubSubConfig config;
  private final PubSubConnections connections;
  private final ObjectMapper json;
  private final Clock clock;
  private final String subscription;
  private final ScheduledExecutorService watchdog;
  private final TopicAdminClient topics;
  private final SubscriptionAdminClient subscriptions;
  private volatile Consumer<SimulationEvent> sink;
  private volatile Subscriber subscriber;
  private volatile boolean stopped;
  private volatile Instant healthCheckedAt = Instant.EPOCH;
  private volatile boolean lastHealth = true;

  PubSubEventFeed(
      PubSubConfig config,
      PubSubConnections connections,
      ObjectMapper json,
      Clock clock,
      String instanceId) {
    this.config = config;
    this.connections = connections;
    this.json = json;
    this.clock = clock;
    this.subscription = config.eventsTopic() + "-" + instanceId;
    this.topics = connections.topicAdmin();
    this.subscriptions = connections.subscriptionAdmin();
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pubsub-feed-watchdog").daemon().factory());
  }

  /** The subscription's full name. */
  public String subscriptionName() {
    return config.subscriptionName(subscription);
  }

  @Override
  public synchronized void start(Consumer<SimulationEvent> sink) {
    this.sink = sink;
    try {
      subscribe();
    } catch (RuntimeException e) {
      LOG.warn("Pub/Sub feed not started yet ({}); retrying every {}", e.toString(), WATCH_EVERY);
    }
    watchdog.scheduleWithFixedDelay(
        this::watch, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void subscribe() {
    if (stopped) {
      return;
    }
    createSubscription();
    Subscriber s =
        Subscriber.newBuilder(ProjectSubscriptionName.parse(subscriptionName()), this::receive)
            .setChannelProvider(connections.channels())
            .setCredentialsProvider(connections.credentials())
            .setParallelPullCount(1)
            .build();
    try {
      s.startAsync().awaitRunning(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      s.stopAsync();
      throw new IllegalStateException(
          "the subscriber did not start within " + config.callTimeout());
    }
    subscriber = s;
    LOG.info("streaming events from {}", subscriptionName());
  }

  private void createSubscription() {
    try {
      subscriptions.createSubscription(
          Subscription.newBuilder()
              .setName(subscriptionName())
              .setTopic(config.topicName(config.eventsTopic()))
              .setEnableMessageOrdering(true)
              .setAckDeadlineSeconds(10)
              .setMessageRetentionDuration(
                  Durations.fromMillis(config.subscriptionRetention().toMillis()))
              .setExpirationPolicy(
                  ExpirationPolicy.newBuilder()
                      .setTtl(Durations.fromMillis(config.subscriptionExpiration().toMillis())))
              .build());
    } catch (AlreadyExistsException e) {
      // ours, from before the broker went away
    }
  }

  private void receive(PubsubMessage message, AckReplyConsumer reply) {
    SimulationEvent event;
    try {
      event = json.readValue(message.getData().toByteArray(), SimulationEvent.class);
    } catch (IOException | RuntimeException e) {
      LOG.warn("dropping an event that does not parse: {}", e.toString());
      reply.ack();
      return;
    }
    if (event.v() != SimulationEvent.VERSION) {
      reply.ack(); // a version this instance does not know
      return;
    }
    try {
      sink.accept(event);
    } finally {
      reply.ack();
    }
  }

  private void watch() {
    Subscriber s = subscriber;
    if (stopped || (s != null && s.isRunning())) {
      return;
    }
    try {
      if (s != null) {
        LOG.warn("Pub/Sub subscriber stopped ({}); starting it again", s.failureCause());
        subscriber = null;
      }
      subscribe();
    } catch (RuntimeException e) {
      LOG.debug("Pub/Sub still unreachable: {}", e.toString());
    }
  }

  @Override
  public boolean healthy() {
    Instant now = clock.instant();
    if (Duration.between(healthCheckedAt, now).compareTo(HEALTH_FOR) < 0) {
      return lastHealth;
    }
    boolean ok;
    try {
      topics.getTopic(config.topicName(config.eventsTopic()));
      Subscriber s = subscriber;
      ok = s != null && s.isRunning();
    } catch (ApiException e) {
      ok = false;
    }
    healthCheckedAt = now;
    lastHealth = ok;
    return ok;
  }

  @Override
  public synchronized void stop() {
    stopped = true;
    watchdog.shutdownNow();
    Subscriber s = subscriber;
    if (s != null) {
      s.stopAsync();
      try {
        s.awaitTerminated(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | IllegalStateException e) {
        LOG.debug("subscriber did not stop cleanly: {}", e.toString());
      }
    }
    try {
      subscriptions.deleteSubscription(subscriptionName());
      LOG.info("deleted subscription {}", subscriptionName());
    } catch (NotFoundException e) {
      // already gone
    } catch (ApiException e) {
      LOG.warn(
          "subscription {} not deleted ({}); it expires after {}",
          subscriptionName(),
          e.toString(),
          config.subscriptionExpiration());
    } finally {
      subscriptions.close();
      topics.close();
    }
  }
}
