package dev.lakehouse.export;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Connections to the configured PostgreSQL, with the password from the environment only. */
public final class PostgresConnections {
  private PostgresConnections() {}

  /** A connection with the configured user and the password from the environment. */
  public static Connection connect(LakehouseConfig config) throws SQLException {
    return connect(
        config.get(Settings.POSTGRES_URL),
        config.get(Settings.POSTGRES_USER),
        config.secret(Settings.POSTGRES_PASSWORD).orElse(null));
  }

  public static Connection connect(String url, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(url, p);
  }

  /** True when the configured server accepts a TCP connection within a second. */
  public static boolean reachable(LakehouseConfig config) {
    URI uri = URI.create(config.get(Settings.POSTGRES_URL).substring("jdbc:".length()));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
