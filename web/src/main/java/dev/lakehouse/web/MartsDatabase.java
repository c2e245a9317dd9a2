package dev.lakehouse.web;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The marts in PostgreSQL as the dashboards read them: through the read-only login {@code
 * web.postgres-user}, every session read-only, every statement bounded in time. Rows come back as
 * maps of JSON-ready values: numbers exact (BigDecimal), dates as ISO text, timestamps as UTC
 * instants.
 */
public final class MartsDatabase {
  /** The marts the dashboards cannot do without; the server refuses to start without them. */
  static final List<String> REQUIRED =
      List.of(
          "monthly_kpis",
          "monthly_transaction_trend",
          "customers_per_tier",
          "monthly_statement",
          "fct_transactions",
          "dim_merchant",
          "dim_customer",
          "customers_in_red",
          "high_activity_customers");

  private static final int STATEMENT_TIMEOUT_SECONDS = 30;

  private final String url;
  private final String user;
  private final String password;

  MartsDatabase(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** The configured database and the dashboards' login, its password from the environment. */
  public static MartsDatabase of(LakehouseConfig config) {
    return new MartsDatabase(
        config.get(Settings.POSTGRES_URL),
        config.get(Settings.WEB_POSTGRES_USER),
        config.secret(Settings.BI_PASSWORD).orElse(null));
  }

  String user() {
    return user;
  }

  /** A read-only session whose statements give up after a bounded time. */
  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "lakehouse serve");
    p.setProperty("connectTimeout", "5");
    Connection c = DriverManager.getConnection(url, p);
    c.setReadOnly(true);
    try (Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = '" + STATEMENT_TIMEOUT_SECONDS + "s'");
    }
    return c;
  }

  /**
   * Connects once and checks that every required mart is readable; otherwise a {@link
   * ConfigException} saying what is wrong and what to do.
   */
  void checkReady() {
    try (Connection c = connect()) {
      Set<String> present = new TreeSet<>();
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                      + " 'marts'")) {
        while (r.next()) {
          present.add(r.getString(1));
        }
      }
      List<String> missing = REQUIRED.stream().filter(m -> !present.contains(m)).toList();
      if (!missing.isEmpty()) {
        throw new ConfigException(
            "The marts are missing in PostgreSQL at "
                + url
                + " (not readable by "
                + user
                + "): "
                + String.join(", ", missing)
                + ". Publish them first with 'lakehouse export' (or run 'lakehouse demo'); a"
                + " reader role needs SELECT on schema marts (docs/postgres-access.md).");
      }
    } catch (SQLException e) {
      throw new ConfigException(
          "Cannot read the marts: PostgreSQL at "
              + url
              + " refused user "
              + user
              + " or is unreachable ("
              + e.getMessage()
              + "). Start it, or set postgres.url, web.postgres-user and LAKEHOUSE_BI_PASSWORD.");
    }
  }

  /** True when {@code marts.<name>} exists for this login. */
  boolean hasMart(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'marts'"
                + " AND table_name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The rows of a query with positional parameters, each a column-name-to-value map. */
  static List<Map<String, Object>> rows(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        ResultSetMetaData md = r.getMetaData();
        List<Map<String, Object>> out = new ArrayList<>();
        while (r.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i), value(r.getObject(i)));
          }
          out.add(row);
        }
        return out;
      }
    }
  }

  private static Object value(Object v) throws SQLException {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Array a) {
      return List.of((Object[]) a.getArray());
    }
    if (v instanceof BigDecimal || v instanceof Number || v instanceof Boolean || v == null) {
      return v;
    }
    return v.toString();
  }
}
