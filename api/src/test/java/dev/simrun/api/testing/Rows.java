package dev.simrun.api.testing;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts rows straight from the database, to prove what a request left behind. */
@Singleton
public class Rows {
  private final TransactionOperations<Connection> tx;

  public Rows(TransactionOperations<Connection> tx) {
    this.tx = tx;
  }

  public long count(String sql) {
    return tx.executeRead(
        st -> {
          try (Statement s = st.getConnection().createStatement();
              ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** The one text value {@code sql} selects (null for SQL NULL). */
  public String text(String sql) {
    return tx.executeRead(
        st -> {
          try (Statement s = st.getConnection().createStatement();
              ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
          }
        });
  }

  /** Runs a statement that changes rows; returns how many. */
  public int update(String sql) {
    return tx.executeWrite(
        st -> {
          try (Statement s = st.getConnection().createStatement()) {
            return s.executeUpdate(sql);
          }
        });
  }

  /**
   * Rows in simulations and chunks: what any submit writes. For counts taken while the outbox pump
   * may still be sending (and deleting) earlier tests' outbox rows.
   */
  public long simulationsAndChunks() {
    return count("SELECT (SELECT count(*) FROM simulations) + (SELECT count(*) FROM chunks)");
  }

  /** Rows in simulations, chunks and outbox together. */
  public long pipeline() {
    return count(
        "SELECT (SELECT count(*) FROM simulations) + (SELECT count(*) FROM chunks)"
            + " + (SELECT count(*) FROM outbox)");
  }

  /**
   * What every table of the schema holds, table by table: its row count and a hash of all its rows,
   * and each sequence's last value (so that rows inserted and deleted since still show). Tables in
   * {@code skip} are left out, for rows something else changes in the background; their sequences
   * still count. One query, cheap enough to run around every request of a test.
   */
  public Map<String, String> fingerprint(Set<String> skip) {
    return tx.executeRead(
        st -> {
          List<String> tables = new ArrayList<>();
          try (Statement s = st.getConnection().createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                          + " current_schema() AND table_type = 'BASE TABLE' ORDER BY 1")) {
            while (rs.next()) {
              if (!skip.contains(rs.getString(1))) {
                tables.add(rs.getString(1));
              }
            }
          }
          String sql =
              tables.stream()
                      .map(
                          t ->
                              "SELECT '"
                                  + t
                                  + "', count(*) || ':' || coalesce(sum(hashtext(r::text)), 0)"
                                  + " FROM \""
                                  + t
                                  + "\" r")
                      .collect(Collectors.joining(" UNION ALL "))
                  + " UNION ALL SELECT 'sequence ' || sequencename, coalesce(last_value, 0)::text"
                  + " FROM pg_sequences WHERE schemaname = current_schema()";
          Map<String, String> print = new TreeMap<>();
          try (Statement s = st.getConnection().createStatement();
              ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
              print.put(rs.getString(1), rs.getString(2));
            }
          }
          return print;
        });
  }
}
