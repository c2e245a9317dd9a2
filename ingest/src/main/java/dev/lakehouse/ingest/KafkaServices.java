package dev.lakehouse.ingest;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the configured Kafka broker, or starts the embedded one when the profile allows it. */
public final class KafkaServices {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaServices.class);

  private KafkaServices() {}

  /**
   * Returns a handle to close when the command ends: empty when a broker was already reachable,
   * otherwise the embedded broker this call started.
   */
  public static Optional<EmbeddedKafka> ensureBroker(LakehouseConfig config) {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    if (reachable(bootstrap)) {
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
    return Optional.of(EmbeddedKafka.start(config.dataDir().resolve("kafka"), host, port));
  }

  /** True when a TCP connection to one of the bootstrap addresses succeeds within a second. */
  public static boolean reachable(String bootstrap) {
    for (String part : bootstrap.split(",")) {
      String p = part.trim();
      int colon = p.lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))),
            1000);
        return true;
      } catch (IOException e) {
        // try the next address
      }
    }
    return false;
  }

  /** Creates the contract's topics when missing, keeping messages forever (retention.ms=-1). */
  public static void ensureTopics(String bootstrap, int partitions) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : Topics.ALL) {
        if (!existing.contains(topic)) {
          missing.add(
              new NewTopic(topic, Optional.of(partitions), Optional.empty())
                  .configs(Map.of("retention.ms", "-1")));
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
          LOG.info("Created Kafka topics {} with {} partitions each.", missing.stream().map(NewTopic::name).toList(), partitions);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating Kafka topics.", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot create the Kafka topics on " + bootstrap + ": " + e.getMessage(), e);
    }
  }
}
