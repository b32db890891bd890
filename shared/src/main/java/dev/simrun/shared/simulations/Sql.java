package dev.simrun.shared.simulations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;

/**
 * Small JDBC helpers shared by the stores: binding parameters in order (an enum by its name, a set
 * of enums as a {@code text[]} of names), reading instants.
 */
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
        case EnumSet<?> set -> ps.setArray(at, c.createArrayOf("text", names(set)));
        default -> ps.setObject(at, p);
      }
    }
    return ps;
  }

  /** The names of {@code set}'s members, e.g. the statuses of a guard bound as {@code text[]}. */
  public static String[] names(EnumSet<?> set) {
    return set.stream().map(Enum::name).toArray(String[]::new);
  }

  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  /** A {@code bigint} column that may be null. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
