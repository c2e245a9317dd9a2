package dev.lakehouse.services;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the local profile's services inside this JVM: a KRaft Kafka broker and a PostgreSQL server
 * (real binaries), both keeping their data under the data directory. Not part of the spark-submit
 * jobs jar: a cluster has its own broker and database.
 */
public final class EmbeddedServices {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private EmbeddedServices() {}

  /**
   * Starts the broker on the configured localhost address, its logs in {@code <data-dir>/kafka}.
   */
  public static EmbeddedKafka startKafka(LakehouseConfig config) {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    String first = bootstrap.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    String host = first.substring(0, colon);
    if (!host.equals("localhost") && !host.equals("127.0.0.1")) {
      throw new ConfigException(
          "Cannot start an embedded Kafka broker for kafka.bootstrap-servers="
              + bootstrap
              + ": it must name localhost or 127.0.0.1.");
    }
    int port = Integer.parseInt(first.substring(colon + 1));
    LOG.info("Kafka is not reachable at {}; starting the embedded broker.", bootstrap);
    return EmbeddedKafka.start(config.dataDir().resolve("kafka"), host, port);
  }

  /**
   * Starts PostgreSQL on the configured localhost port, its data in {@code <data-dir>/postgres}.
   */
  public static AutoCloseable startPostgres(LakehouseConfig config) {
    URI uri = URI.create(config.get(Settings.POSTGRES_URL).substring("jdbc:".length()));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    if (!uri.getHost().equals("localhost") && !uri.getHost().equals("127.0.0.1")) {
      throw new ConfigException(
          "Cannot start an embedded PostgreSQL for postgres.url="
              + config.get(Settings.POSTGRES_URL)
              + ": it must name localhost.");
    }
    Path dir = config.dataDir().resolve("postgres");
    try {
      Files.createDirectories(dir);
      LOG.info(
          "PostgreSQL is not reachable on port {}; starting the embedded server with its data in"
              + " {}.",
          port,
          dir);
      return EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setOverrideWorkingDirectory(config.dataDir().resolve("postgres-runtime").toFile())
          .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start the embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts the simulated market-data feed on a free loopback port, its prices those of the
   * configured seed and trading calendar, up to yesterday (UTC).
   */
  public static SimulatedMarketFeed startMarketFeed(LakehouseConfig config) {
    dev.lakehouse.ingest.trading.PriceModel model =
        new dev.lakehouse.ingest.trading.PriceModel(
            config.longValue(Settings.MARKET_SIMULATED_SEED),
            dev.lakehouse.common.TradingCalendar.of(config));
    SimulatedMarketFeed feed =
        SimulatedMarketFeed.start(
            0, model, () -> java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1));
    LOG.info("The simulated market-data feed is up at {}.", feed.baseUrl());
    return feed;
  }
}
