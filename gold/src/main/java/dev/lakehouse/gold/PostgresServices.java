package dev.lakehouse.gold;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the configured PostgreSQL, or starts an embedded one (real binaries) under the data directory. */
public final class PostgresServices {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresServices.class);

  private PostgresServices() {}

  /** A running embedded server, closed when the command ends; empty when the URL was reachable. */
  public static Optional<AutoCloseable> ensureServer(LakehouseConfig config) {
    URI uri = URI.create(config.get(Settings.POSTGRES_URL).substring("jdbc:".length()));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    if (reachable(uri.getHost(), port)) {
      return Optional.empty();
    }
    if (!config.boolValue(Settings.POSTGRES_EMBEDDED)) {
      throw new IllegalStateException("Cannot reach PostgreSQL at " + uri.getHost() + ":" + port
          + " and postgres.embedded is false in profile " + config.profile()
          + ". Start the database (docker compose up postgres), or set postgres.embedded=true.");
    }
    if (!uri.getHost().equals("localhost") && !uri.getHost().equals("127.0.0.1")) {
      throw new ConfigException("Cannot start an embedded PostgreSQL for postgres.url=" + config.get(Settings.POSTGRES_URL)
          + ": it must name localhost.");
    }
    Path dir = config.dataDir().resolve("postgres");
    try {
      Files.createDirectories(dir);
      LOG.info("PostgreSQL is not reachable on port {}; starting the embedded server with its data in {}.", port, dir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setOverrideWorkingDirectory(config.dataDir().resolve("postgres-runtime").toFile())
          .start();
      return Optional.of(pg);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
    }
  }

  static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A connection with the configured user and the password from the environment. */
  public static Connection connect(LakehouseConfig config) throws SQLException {
    return connect(config.get(Settings.POSTGRES_URL), config.get(Settings.POSTGRES_USER),
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
}
