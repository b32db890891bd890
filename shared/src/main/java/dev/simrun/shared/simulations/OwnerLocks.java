package dev.simrun.shared.simulations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Transaction-scoped advisory locks per owner, for counts and checks that must be exact while
 * several api instances serve one owner at once. Each is held until its transaction ends.
 */
public final class OwnerLocks {
  private OwnerLocks() {}

  /**
   * One owner's submits and dataset deletions take turns: the owner's idempotency keys and active
   * simulations are counted exactly, and a dataset cannot be deleted between a submit's check that
   * it exists and the insert of the simulation that reads it.
   */
  public static void submits(Connection c, String owner) throws SQLException {
    lock(c, "SELECT pg_advisory_xact_lock(hashtext(?))", owner);
  }

  /**
   * One owner's dataset inserts take turns, so that the owner's stored count and bytes are exact
   * when a quota is checked. Apart from {@link #submits}: a large insert does not hold up submits.
   */
  public static void datasets(Connection c, String owner) throws SQLException {
    lock(c, "SELECT pg_advisory_xact_lock(hashtext('datasets ' || ?))", owner);
  }

  private static void lock(Connection c, String sql, String owner) throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c, sql, owner);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }
}
