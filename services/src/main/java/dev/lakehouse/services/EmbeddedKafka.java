package dev.lakehouse.services;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker inside this JVM. Its log directory persists, so topics and messages
 * survive from one command to the next.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
  }

  /** Starts a broker listening on host:port with its logs in logDir, formatting it on first use. */
  public static EmbeddedKafka start(Path logDir, String host, int port) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start the embedded Kafka broker: its log directory "
              + logDir
              + " cannot be created: "
              + e.getMessage(),
          e);
    }
    refuseIfInUse(logDir);
    // A fatal broker error must fail this command with a message, not end the JVM silently.
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "The embedded Kafka broker stopped (status " + status + "): " + message);
        });
    Exit.setHaltProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "The embedded Kafka broker halted (status " + status + "): " + message);
        });
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toAbsolutePath().toString());
    props.put("num.partitions", "3");
    props.put("auto.create.topics.enable", "false");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "3");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "3");
    props.put("group.initial.rebalance.delay.ms", "0");
    // Local state is kept until the user deletes the data directory; generated events are weeks
    // old.
    props.put("log.retention.ms", "-1");
    props.put("log.retention.check.interval.ms", "60000");
    props.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
    props.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
    props.put("log.cleaner.enable", "false");
    props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    KafkaConfig config = new KafkaConfig(props, false);
    format(logDir);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      String message = String.valueOf(e.getMessage());
      if (message.contains("lock")) {
        throw new IllegalStateException(
            "Cannot start the embedded Kafka broker: its log directory "
                + logDir
                + " is in use by another lakehouse process. Stop that process, or keep it running"
                + " (lakehouse services) and point kafka.bootstrap-servers at it.",
            e);
      }
      throw new IllegalStateException(
          "Cannot start the embedded Kafka broker on " + host + ":" + port + ": " + message, e);
    }
    EmbeddedKafka kafka = new EmbeddedKafka(server, host + ":" + port, logDir);
    kafka.awaitReady();
    LOG.info(
        "Embedded Kafka broker is up on {} with its logs in {}.", kafka.bootstrapServers, logDir);
    return kafka;
  }

  /** Kafka locks its log directory with {@code .lock}; check it first for a clear message. */
  private static void refuseIfInUse(Path logDir) {
    Path lock = logDir.resolve(".lock");
    try (FileChannel channel =
        FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        throw inUse(logDir);
      }
      held.release();
    } catch (OverlappingFileLockException e) {
      throw inUse(logDir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start the embedded Kafka broker: cannot lock " + lock + ": " + e.getMessage(), e);
    }
  }

  private static IllegalStateException inUse(Path logDir) {
    return new IllegalStateException(
        "Cannot start the embedded Kafka broker: its log directory "
            + logDir
            + " is in use by another lakehouse process. Stop that process, or keep it running"
            + " (lakehouse services) and point kafka.bootstrap-servers at it.");
  }

  private static void format(Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toAbsolutePath().toString()))
          .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setUnstableFeatureVersionsEnabled(false)
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot format the embedded Kafka log directory " + logDir + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000))) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "The embedded Kafka broker did not become ready within 60 s: " + e.getMessage(), e);
          }
        }
        Thread.onSpinWait();
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path logDir() {
    return logDir;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Embedded Kafka broker on {} stopped.", bootstrapServers);
  }

  /** A free TCP port on the loopback interface. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot find a free TCP port: " + e.getMessage(), e);
    }
  }
}
