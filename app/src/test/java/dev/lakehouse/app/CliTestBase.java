package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.services.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command-line test classes share: a temporary data directory per class, an embedded
 * broker when the class starts one, and a SparkSession on the same lake for reading what the
 * commands wrote. All of it is stopped after the class, streams first.
 */
abstract class CliTestBase {
  @TempDir static Path dataDir;
  static EmbeddedKafka kafka;
  private static LakehouseConfig config;
  private static SparkSession spark;

  /** True while a subclass runs: its commands share the class's session. */
  static boolean sharing;

  @BeforeAll
  static void shareTheSession() {
    sharing = true;
  }

  /** Starts the class's broker on a free port under dataDir/kafka. */
  static EmbeddedKafka startBroker() {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), "localhost", EmbeddedKafka.freePort());
    return kafka;
  }

  /** {@code kafka.bootstrap-servers=} the class's broker, for a command's --conf. */
  static String bootstrapConf() {
    return Settings.KAFKA_BOOTSTRAP + "=" + kafka.bootstrapServers();
  }

  /**
   * The configuration the class reads the lake with: data under dataDir, the class's broker if it
   * started one, and extra key=value pairs. Call it before the first {@link #spark()}.
   */
  static LakehouseConfig configure(String... keyValues) {
    String[] conf = keyValues;
    if (kafka != null) {
      conf = Arrays.copyOf(keyValues, keyValues.length + 1);
      conf[keyValues.length] = bootstrapConf();
    }
    config = TestLake.config(dataDir, conf);
    return config;
  }

  /**
   * The class's SparkSession, which the commands it runs share. A stopped one (a test stopped it)
   * is replaced by a fresh one on the same lake.
   */
  static SparkSession spark() {
    if (spark == null || spark.sparkContext().isStopped()) {
      spark = TestLake.spark(config != null ? config : configure());
    }
    return spark;
  }

  /** How many micro-batches a stream has committed to its checkpoint's {@code commits} folder. */
  static long committedBatches(Path commits) throws IOException {
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(commits)) {
      return files.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  @AfterAll
  static void stopLakeAndBroker() throws TimeoutException {
    try {
      if (spark != null && !spark.sparkContext().isStopped()) {
        try {
          // A stream a failed test left running would otherwise outlive its class.
          for (StreamingQuery query : spark.streams().active()) {
            query.stop();
          }
        } finally {
          spark.stop();
        }
      }
    } finally {
      sharing = false;
      spark = null;
      config = null;
      if (kafka != null) {
        kafka.close();
        kafka = null;
      }
    }
  }
}
