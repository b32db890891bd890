package dev.simrun.shared.simulations;

import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Tells a database that cannot be reached (down, restarting, out of connections) from a failed
 * statement: the first is worth retrying in a moment (503), the second is a bug or bad data.
 */
public final class DatabaseFailures {
  /** PostgreSQL's "operator intervention" states: shutting down, crashed, not yet accepting. */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03");

  private DatabaseFailures() {}

  /** True when {@code error}, or any of its causes, says the database could not be reached. */
  public static boolean unavailable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SocketException) {
        return true;
      }
      // HikariCP's stand-in for a connection it closed under a caller says so without a SQLState.
      if (t instanceof SQLException sql
          && sql.getSQLState() == null
          && "Connection is closed".equals(sql.getMessage())) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // Class 08: connection exception.
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }
}
