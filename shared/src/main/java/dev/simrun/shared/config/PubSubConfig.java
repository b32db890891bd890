package dev.simrun.shared.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How events travel between processes ({@code simrun.pubsub.*}).
 *
 * @param enabled publish and subscribe through Pub/Sub; when false, durable events still reach
 *     clients through the api's tail of the event log, and progress events are dropped
 * @param project the Google Cloud project of the topics
 * @param emulatorHost {@code host:port} of a Pub/Sub emulator (plaintext, no credentials); empty in
 *     production
 * @param eventsTopic the topic every event goes to, with the simulation id as ordering key
 * @param deadLetterTopic the topic each dead letter is published to, for operators
 * @param createTopics create missing topics at start (the emulator starts empty; in production
 *     Terraform owns them)
 * @param publishDelay how long the publisher waits to fill a batch: every event waits up to this
 *     long, and a burst goes out in one request instead of one per event (default 10 ms)
 * @param publishBatchSize events per publish request at most (default 100)
 * @param subscriptionRetention how long an api instance's subscription keeps unacknowledged events
 *     (default 10 min: they are live events, the log holds the durable ones)
 * @param subscriptionExpiration an instance's subscription is deleted by Pub/Sub after this long
 *     without a subscriber, if the instance died without deleting it (at least 1 day)
 * @param callTimeout deadline of admin calls and health probes (default 5 s)
 */
@ConfigurationProperties("simrun.pubsub")
public record PubSubConfig(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "simrun-local") @NotBlank String project,
    @Nullable String emulatorHost,
    @Bindable(defaultValue = "simulation-events") @NotBlank String eventsTopic,
    @Bindable(defaultValue = "simulation-dead-letters") @NotBlank String deadLetterTopic,
    @Bindable(defaultValue = "false") boolean createTopics,
    @Bindable(defaultValue = "10ms") @NotNull Duration publishDelay,
    @Bindable(defaultValue = "100") @Min(1) int publishBatchSize,
    @Bindable(defaultValue = "10m") @NotNull Duration subscriptionRetention,
    @Bindable(defaultValue = "1d") @NotNull Duration subscriptionExpiration,
    @Bindable(defaultValue = "5s") @NotNull Duration callTimeout) {

  public PubSubConfig {
    Settings.notNegative("simrun.pubsub.publish-delay", publishDelay);
    Settings.positive("simrun.pubsub.call-timeout", callTimeout);
    Settings.atLeast(
        "simrun.pubsub.subscription-expiration",
        subscriptionExpiration,
        Duration.ofDays(1),
        " (Pub/Sub's minimum)");
    Settings.atLeast(
        "simrun.pubsub.subscription-retention",
        subscriptionRetention,
        Duration.ofMinutes(10),
        " (Pub/Sub's minimum)");
  }

  public String topicName(String topic) {
    return "projects/" + project + "/topics/" + topic;
  }

  public String subscriptionName(String subscription) {
    return "projects/" + project + "/subscriptions/" + subscription;
  }

  public boolean emulated() {
    return emulatorHost != null && !emulatorHost.isBlank();
  }
}
