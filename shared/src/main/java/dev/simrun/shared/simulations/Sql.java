package dev.simrun.shared.simulations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;

/** Small JDBC helpers shared by the stores: binding parameters in order, reading instants. */
public final class Sql {
  private Sql() {}

  public static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      int at = i + 1;
      switch (p) {
        case null -> ps.setNull(at, Types.NULL);
        case Instant t -> ps.setTimestamp(at, Timestamp.from(t));
        case UUID u -> ps.setObject(at, u);
        case byte[] b -> ps.setBytes(at, b);
        case Enum<?> e -> ps.setString(at, e.name());
        default -> ps.setObject(at, p);
      }
    }
    return ps;
  }

  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
