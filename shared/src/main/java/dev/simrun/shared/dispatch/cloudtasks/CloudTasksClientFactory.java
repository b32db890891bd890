package dev.simrun.shared.dispatch.cloudtasks;

import com.google.cloud.tasks.v2.CloudTasksClient;
import dev.simrun.shared.config.TasksConfig;
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
    return CloudTasksClients.emulator(emulator);
  }
}
