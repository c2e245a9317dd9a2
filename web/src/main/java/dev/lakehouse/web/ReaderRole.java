package dev.lakehouse.web;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The read-only login of the dashboards on the local profile's embedded PostgreSQL, where no DBA
 * ran {@code conf/postgres/init-roles.sh}: the same roles that script creates (a {@code NOLOGIN}
 * group {@code lakehouse_reader} with SELECT on schema {@code marts}, and the login in it,
 * read-only by default), created by the export's user, who is the embedded server's superuser.
 */
public final class ReaderRole {
  static final String GROUP = "lakehouse_reader";

  private ReaderRole() {}

  /**
   * Creates what is missing of the group and the login, and grants the group read access to what
   * schema {@code marts} holds now and will hold (views the exporter creates later).
   */
  public static void ensure(Connection admin, String login) throws SQLException {
    if (!login.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "web.postgres-user '" + login + "' is not a plain lower-case PostgreSQL role name.");
    }
    String exporter;
    String database;
    boolean marts;
    try (Statement s = admin.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT current_user, current_database(),"
                    + " EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'marts')")) {
      r.next();
      exporter = r.getString(1);
      database = r.getString(2);
      marts = r.getBoolean(3);
    }
    List<String> statements =
        new java.util.ArrayList<>(
            List.of(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                    + GROUP
                    + "') THEN CREATE ROLE "
                    + GROUP
                    + " NOLOGIN; END IF; IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                    + login
                    + "') THEN CREATE ROLE "
                    + login
                    + " LOGIN; END IF; END $$",
                "GRANT " + GROUP + " TO " + login,
                "ALTER ROLE " + login + " SET default_transaction_read_only = on",
                "GRANT CONNECT ON DATABASE \"" + database + "\" TO " + GROUP));
    if (marts) {
      statements.addAll(
          List.of(
              "GRANT USAGE ON SCHEMA marts TO " + GROUP,
              "GRANT SELECT ON ALL TABLES IN SCHEMA marts TO " + GROUP,
              "ALTER DEFAULT PRIVILEGES FOR ROLE "
                  + exporter
                  + " IN SCHEMA marts GRANT SELECT ON TABLES TO "
                  + GROUP));
    }
    try (Statement s = admin.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
