package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.export.PostgresConnections;
import dev.lakehouse.services.EmbeddedServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the configured Kafka broker and PostgreSQL, or starts embedded ones when the profile allows
 * it (the local profile). The embedded services are not in the spark-submit jobs jar; there a
 * missing service is a configuration error with a message, not a missing class.
 */
final class LocalServices {
  private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);
  private static final String EMBEDDED_CLASS = "dev.lakehouse.services.EmbeddedServices";

  /** A service this command started; closing it stops it and never throws. */
  interface Started extends AutoCloseable {
    @Override
    void close();
  }

  private LocalServices() {}

  /** Empty when a broker answers; otherwise the embedded broker this call started. */
  static Optional<Started> kafka(LakehouseConfig config) {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    if (KafkaTopics.reachable(bootstrap)) {
      return Optional.empty();
    }
    if (!config.boolValue(Settings.KAFKA_EMBEDDED)) {
      throw new IllegalStateException(
          "Cannot reach Kafka at "
              + bootstrap
              + " and kafka.embedded is false in profile "
              + config.profile()
              + ". Start the broker (docker compose up kafka), or set kafka.embedded=true.");
    }
    requireEmbedded("Kafka at " + bootstrap);
    AutoCloseable broker = EmbeddedServices.startKafka(config);
    return Optional.of(quietly(broker, "the embedded Kafka broker"));
  }

  /** Empty when PostgreSQL answers; otherwise the embedded server this call started. */
  static Optional<Started> postgres(LakehouseConfig config) {
    if (PostgresConnections.reachable(config)) {
      return Optional.empty();
    }
    if (!config.boolValue(Settings.POSTGRES_EMBEDDED)) {
      throw new IllegalStateException(
          "Cannot reach PostgreSQL at "
              + config.get(Settings.POSTGRES_URL)
              + " and postgres.embedded is false in profile "
              + config.profile()
              + ". Start the database (docker compose up postgres), or set"
              + " postgres.embedded=true.");
    }
    requireEmbedded("PostgreSQL at " + config.get(Settings.POSTGRES_URL));
    return Optional.of(quietly(EmbeddedServices.startPostgres(config), "the embedded PostgreSQL"));
  }

  /** The market-data API to call, and the embedded feed this call started for it, if any. */
  record MarketFeed(String baseUrl, Optional<Started> started) implements AutoCloseable {
    @Override
    public void close() {
      started.ifPresent(Started::close);
    }
  }

  /** market.base-url, or the simulated feed started in this JVM when it says 'embedded'. */
  static MarketFeed marketFeed(LakehouseConfig config) {
    String url = config.get(Settings.MARKET_BASE_URL);
    if (!url.equals("embedded")) {
      return new MarketFeed(url, Optional.empty());
    }
    requireEmbedded("a market-data API (market.base-url=embedded)");
    dev.lakehouse.services.SimulatedMarketFeed feed = EmbeddedServices.startMarketFeed(config);
    return new MarketFeed(
        feed.baseUrl(), Optional.of(quietly(feed, "the simulated market-data feed")));
  }

  /** A TCP port nobody listens on right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot find a free local port: " + e.getMessage(), e);
    }
  }

  private static void requireEmbedded(String what) {
    try {
      Class.forName(EMBEDDED_CLASS, false, LocalServices.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "Cannot reach "
              + what
              + ", and this build (the spark-submit jobs jar) has no embedded services."
              + " Point the configuration at a running service, or run bin/lakehouse.");
    }
  }

  private static Started quietly(AutoCloseable service, String name) {
    return () -> {
      try {
        service.close();
      } catch (Exception e) {
        LOG.warn("Could not stop {} cleanly: {}", name, e.getMessage());
      }
    };
  }
}
