package dev.simrun.api.testing;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

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

  /** Runs a statement that changes rows; returns how many. */
  public int update(String sql) {
    return tx.executeWrite(
        st -> {
          try (Statement s = st.getConnection().createStatement()) {
            return s.executeUpdate(sql);
          }
        });
  }

  /** Rows in simulations, chunks and outbox together. */
  public long pipeline() {
    return count(
        "SELECT (SELECT count(*) FROM simulations) + (SELECT count(*) FROM chunks)"
            + " + (SELECT count(*) FROM outbox)");
  }
}
