package dev.simrun.shared.events.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import dev.simrun.shared.config.PubSubConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Where the Pub/Sub clients connect: Google with the default credentials, or an emulator over
 * plaintext without credentials. One channel for all clients of a process.
 */
final class PubSubConnections implements AutoCloseable {
  private final PubSubConfig config;
  private final CredentialsProvider credentials;
  private final List<ManagedChannel> emulatorChannels = new CopyOnWriteArrayList<>();

  PubSubConnections(PubSubConfig config) {
    this.config = config;
    this.credentials =
        config.emulated()
            ? NoCredentialsProvider.create()
            : TopicAdminSettings.defaultCredentialsProviderBuilder().build();
  }

  /**
   * A channel provider for one client. Against an emulator each client gets a plaintext channel of
   * its own, because closing a client shuts down a channel it was given.
   */
  TransportChannelProvider channels() {
    if (!config.emulated()) {
      return TopicAdminSettings.defaultTransportChannelProvider();
    }
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(config.emulatorHost()).usePlaintext().build();
    emulatorChannels.add(channel);
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  CredentialsProvider credentials() {
    return credentials;
  }

  /** A topic admin client whose every call ends within {@link PubSubConfig#callTimeout()}. */
  TopicAdminClient topicAdmin() {
    try {
      TopicAdminSettings.Builder settings =
          TopicAdminSettings.newBuilder()
              .setTransportChannelProvider(channels())
              .setCredentialsProvider(credentials);
      settings.applyToAllUnaryMethods(this::bounded);
      return TopicAdminClient.create(settings.build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a Pub/Sub topic admin client", e);
    }
  }

  /**
   * A subscription admin client whose every call ends within {@link PubSubConfig#callTimeout()}.
   */
  SubscriptionAdminClient subscriptionAdmin() {
    try {
      SubscriptionAdminSettings.Builder settings =
          SubscriptionAdminSettings.newBuilder()
              .setTransportChannelProvider(channels())
              .setCredentialsProvider(credentials);
      settings.applyToAllUnaryMethods(this::bounded);
      return SubscriptionAdminClient.create(settings.build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a Pub/Sub subscription admin client", e);
    }
  }

  private Void bounded(UnaryCallSettings.Builder<?, ?> call) {
    Duration timeout = config.callTimeout();
    call.setRetrySettings(
        call.getRetrySettings().toBuilder()
            .setInitialRpcTimeoutDuration(timeout)
            .setMaxRpcTimeoutDuration(timeout)
            .setTotalTimeoutDuration(timeout)
            .build());
    return null;
  }

  @Override
  public void close() {
    for (ManagedChannel channel : emulatorChannels) {
      channel.shutdown();
    }
    for (ManagedChannel channel : emulatorChannels) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
