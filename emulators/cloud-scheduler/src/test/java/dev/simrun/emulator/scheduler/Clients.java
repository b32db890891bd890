package dev.simrun.emulator.scheduler;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider;
import com.google.cloud.scheduler.v1.CloudSchedulerClient;
import com.google.cloud.scheduler.v1.CloudSchedulerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The real google-cloud-scheduler client, pointed at an emulator as an application does it. */
final class Clients {
  private Clients() {}

  static CloudSchedulerClient grpc(CloudSchedulerEmulator emulator) {
    try {
      return CloudSchedulerClient.create(
          CloudSchedulerSettings.newBuilder()
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

  static CloudSchedulerClient httpJson(CloudSchedulerEmulator emulator) {
    try {
      return CloudSchedulerClient.create(
          CloudSchedulerSettings.newHttpJsonBuilder()
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
