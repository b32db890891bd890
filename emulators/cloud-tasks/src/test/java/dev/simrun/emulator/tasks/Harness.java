package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.QueueName;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** For one test class: an emulator, the real client connected to it, and a recording target. */
final class Harness implements BeforeAllCallback, AfterAllCallback {
  static final LocationName LOCATION = LocationName.of("simrun-test", "local");

  private final CloudTasksEmulatorExtension emulator;
  private final Function<CloudTasksEmulator, CloudTasksClient> connect;
  private CloudTasksClient client;
  private TestReceiver receiver;

  private Harness(
      UnaryOperator<CloudTasksEmulator.Builder> configure,
      Function<CloudTasksEmulator, CloudTasksClient> connect) {
    this.emulator = new CloudTasksEmulatorExtension(configure);
    this.connect = connect;
  }

  static Harness grpc() {
    return grpc(UnaryOperator.identity());
  }

  static Harness grpc(UnaryOperator<CloudTasksEmulator.Builder> configure) {
    return new Harness(configure, Clients::grpc);
  }

  static Harness httpJson() {
    return new Harness(UnaryOperator.identity(), Clients::httpJson);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator.beforeAll(context);
    client = connect.apply(emulator.emulator());
    receiver = TestReceiver.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    client.close();
    receiver.close();
    emulator.afterAll(context);
  }

  CloudTasksEmulator emulator() {
    return emulator.emulator();
  }

  CloudTasksClient client() {
    return client;
  }

  TestReceiver receiver() {
    return receiver;
  }

  /** Creates a queue with a fresh name starting with {@code prefix}. */
  QueueName newQueue(String prefix, UnaryOperator<Queue.Builder> configure) {
    QueueName name =
        QueueName.of(
            LOCATION.getProject(), LOCATION.getLocation(), prefix + "-" + UUID.randomUUID());
    client.createQueue(
        LOCATION, configure.apply(Queue.newBuilder().setName(name.toString())).build());
    return name;
  }
}
