package dev.simrun.shared.config;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.QueueNames;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** Beans every SimRun process needs. */
@Factory
class SharedFactory {

  /** The one clock production code reads; tests replace it to move time. */
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  QueueNames queueNames(TasksConfig config, SimulationKinds kinds) {
    Map<Priority, String> cpu =
        new EnumMap<>(
            Map.of(
                Priority.INTERACTIVE, config.queueName(config.interactiveQueue()),
                Priority.BATCH, config.queueName(config.batchQueue())));
    Map<Priority, String> io =
        new EnumMap<>(
            Map.of(
                Priority.INTERACTIVE, config.queueName(config.interactiveIoQueue()),
                Priority.BATCH, config.queueName(config.batchIoQueue())));
    String finalize = config.queueName(config.finalizeQueue());
    return new QueueNames() {
      @Override
      public String of(Priority priority, ChunkLoad load) {
        return (load == ChunkLoad.IO ? io : cpu).get(priority);
      }

      @Override
      public String finalizeQueue() {
        return finalize;
      }

      @Override
      public String forSimulation(Priority priority, String kind) {
        // An unknown kind cannot run anywhere; its tasks go where CPU-bound work goes, and the
        // worker records why they fail.
        ChunkLoad load = kinds.find(kind).map(SimulationKind::chunkLoad).orElse(ChunkLoad.CPU);
        return of(priority, load);
      }
    };
  }
}
