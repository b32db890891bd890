package dev.simrun.shared.dispatch.cloudtasks;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CloudTasksSettings;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Google's Cloud Tasks client, for Google's endpoint or for an emulator. */
public final class CloudTasksClients {
  private CloudTasksClients() {}

  /** A client of the emulator at {@code host:port}: plaintext gRPC, no credentials. */
  public static CloudTasksClient emulator(String endpoint) {
    try {
      return CloudTasksClient.create(
          CloudTasksSettings.newBuilder()
              .setCredentialsProvider(NoCredentialsProvider.create())
              .setTransportChannelProvider(
                  InstantiatingGrpcChannelProvider.newBuilder()
                      .setEndpoint(endpoint)
                      .setChannelConfigurator(channel -> channel.usePlaintext())
                      .build())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
