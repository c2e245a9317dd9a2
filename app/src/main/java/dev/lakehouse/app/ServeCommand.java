package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.export.PostgresConnections;
import dev.lakehouse.web.ReaderRole;
import dev.lakehouse.web.WebServer;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve the dashboards (KPI trends, statement explorer with CSV and PDF downloads, advisor"
            + " lists, pipeline health, fraud alerts, stocks and sectors) from the PostgreSQL"
            + " marts, read as the read-only login web.postgres-user (password"
            + " LAKEHOUSE_BI_PASSWORD). Listens on web.bind-address:web.port (127.0.0.1:8090) until"
            + " stopped with Ctrl-C. Refuses to start when PostgreSQL is unreachable or the marts"
            + " are missing.")
final class ServeCommand extends LakehouseCommand {
  @Option(
      names = "--port",
      paramLabel = "P",
      description = "Port to listen on (default: web.port; 0 for any free port).")
  Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: web.bind-address, 127.0.0.1).")
  String bind;

  @Override
  protected void validate(LakehouseConfig config) {
    if (port != null && (port < 0 || port > 65535)) {
      throw new ConfigException("--port must be between 0 and 65535, got " + port);
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig base, PrintWriter out) throws Exception {
    Map<String, String> overrides = new HashMap<>();
    if (port != null) {
      overrides.put(Settings.WEB_PORT, String.valueOf(port));
    }
    if (bind != null) {
      overrides.put(Settings.WEB_BIND_ADDRESS, bind);
    }
    LakehouseConfig config = overrides.isEmpty() ? base : root.loadConfig(overrides);
    Optional<LocalServices.Started> pg = LocalServices.postgres(config);
    try {
      serveUntilStopped(config, out, () -> pg.ifPresent(LocalServices.Started::close));
    } catch (RuntimeException e) {
      pg.ifPresent(LocalServices.Started::close);
      throw e;
    }
    return Map.of();
  }

  /**
   * Starts the dashboards and blocks until the JVM is asked to stop (Ctrl-C, SIGTERM); then stops
   * them and runs {@code cleanup} (the embedded PostgreSQL's stop). Throws, having started nothing
   * that stays up, when they cannot start.
   */
  static void serveUntilStopped(LakehouseConfig config, PrintWriter out, Runnable cleanup)
      throws InterruptedException {
    WebServer web = start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  web.close();
                  cleanup.run();
                },
                "lakehouse-serve-stop"));
    out.printf("Dashboards at %s (Ctrl-C stops them).%n", web.url());
    out.flush();
    new CountDownLatch(1).await();
  }

  /**
   * The dashboards on the configured marts. With the embedded PostgreSQL (postgres.embedded=true)
   * the read-only login is created there first, as init-roles.sh creates it on a real server.
   */
  static WebServer start(LakehouseConfig config) {
    if (config.boolValue(Settings.POSTGRES_EMBEDDED)) {
      try (Connection admin = PostgresConnections.connect(config)) {
        ReaderRole.ensure(admin, config.get(Settings.WEB_POSTGRES_USER));
      } catch (SQLException e) {
        throw new ConfigException(
            "Cannot prepare the dashboards' read-only login "
                + config.get(Settings.WEB_POSTGRES_USER)
                + " in PostgreSQL at "
                + config.get(Settings.POSTGRES_URL)
                + ": "
                + e.getMessage()
                + ". Create it as docs/postgres-access.md shows, or set web.postgres-user.");
      }
    }
    return WebServer.start(config);
  }
}
