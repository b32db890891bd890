package dev.simrun.emulator.tasks;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CloudTasksSettings;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The real google-cloud-tasks client, pointed at an emulator the way an application does it. */
final class Clients {
  private Clients() {}

  static CloudTasksClient grpc(CloudTasksEmulator emulator) {
    try {
      return CloudTasksClient.create(
          CloudTasksSettings.newBuilder()
              .setCredentialsProvider(NoCredentialsProvider.create())
              .setTransportChannelProvider(
                  InstantiatingGrpcChannelProvider.newBuilder()
                      .setEndpoint(emulator.endpoint())
                      .setChannelConfigurator(channel -> channel.usePlaintext())
                      .build())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CloudTasksClient httpJson(CloudTasksEmulator emulator) {
    try {
      return CloudTasksClient.create(
          CloudTasksSettings.newHttpJsonBuilder()
              .setCredentialsProvider(NoCredentialsProvider.create())
              .setTransportChannelProvider(
                  InstantiatingHttpJsonChannelProvider.newBuilder()
                      .setEndpoint(emulator.baseUrl())
                      .build())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
