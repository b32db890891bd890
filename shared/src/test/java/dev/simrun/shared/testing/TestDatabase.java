package dev.simrun.shared.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests, started once per JVM from Maven Central binaries. Each caller gets a
 * database of its own, and every session runs in a time zone far from UTC so that code relying on
 * the server's zone fails here rather than in production.
 */
public final class TestDatabase {
  /** UTC+12:45 (+13:45 in summer): nothing lines up with it by accident. */
  public static final String SESSION_TIME_ZONE = "Pacific/Chatham";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException ignored) {
                      // the JVM is going away
                    }
                  }));
    }
    return server;
  }

  /** Creates a fresh, empty database and returns its JDBC URL. */
  public static String newDatabase() {
    EmbeddedPostgres pg = server();
    String name =
        "simrun_test_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name) + "&options=-c%20TimeZone%3D" + SESSION_TIME_ZONE;
  }

  /** Micronaut properties for a fresh database, migrated by Flyway at start. */
  public static Map<String, String> properties() {
    return Map.of(
        "datasources.default.url", newDatabase(),
        "datasources.default.username", "postgres",
        "datasources.default.password", "postgres",
        "datasources.default.driver-class-name", "org.postgresql.Driver",
        "datasources.default.dialect", "POSTGRES",
        "flyway.datasources.default.enabled", "true");
  }
}
