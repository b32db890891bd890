package dev.simrun.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL for one machine, from Maven Central binaries: {@code LocalPostgres PORT
 * DATA_DIR}. Prints {@code postgres ready jdbc:...} and runs until stopped.
 */
public final class LocalPostgres {
  private LocalPostgres() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LocalPostgres PORT DATA_DIR");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path data = Path.of(args[1]);
    Files.createDirectories(data);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "200")
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } catch (Exception ignored) {
                    // stopping anyway
                  }
                  stopped.countDown();
                }));
    System.out.println("postgres ready " + pg.getJdbcUrl("postgres", "postgres"));
    stopped.await();
  }
}
