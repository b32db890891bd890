package dev.simrun.shared.dispatch.cloudtasks;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CloudTasksSettings;
import dev.simrun.shared.config.TasksConfig;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.io.IOException;

/** The one {@link CloudTasksClient} of a process: Google's endpoint, or an emulator's. */
@Factory
class CloudTasksClientFactory {

  @Singleton
  @Bean(preDestroy = "close")
  CloudTasksClient cloudTasksClient(TasksConfig config) throws IOException {
    String emulator = config.emulatorEndpoint();
    if (emulator == null || emulator.isBlank()) {
      return CloudTasksClient.create();
    }
    return CloudTasksClient.create(
        CloudTasksSettings.newBuilder()
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setTransportChannelProvider(
                InstantiatingGrpcChannelProvider.newBuilder()
                    .setEndpoint(emulator)
                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                    .build())
            .build());
  }
}
