package dev.lakehouse.bronze;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.OutgoingMessage;
import dev.lakehouse.services.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/**
 * An embedded broker, a configuration that points at it and a SparkSession whose Iceberg catalog
 * lives under the same data directory. Closing it stops the session and the broker.
 */
record Lake(EmbeddedKafka kafka, LakehouseConfig config, SparkSession spark)
    implements AutoCloseable {

  /** Starts a broker on a free port under dataDir/kafka, then the session, with key=value pairs. */
  static Lake start(Path dataDir, String... keyValues) {
    scala.Option<SparkSession> running = SparkSession.getDefaultSession();
    if (running.isDefined() && !running.get().sparkContext().isStopped()) {
      // getOrCreate would hand back that session, with its catalog on another data directory.
      throw new IllegalStateException(
          "Cannot start a lake under "
              + dataDir
              + ": another SparkSession is still running; close its lake first.");
    }
    int port = EmbeddedKafka.freePort();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), "localhost", port);
    try {
      String[] conf = Arrays.copyOf(keyValues, keyValues.length + 1);
      conf[keyValues.length] = Settings.KAFKA_BOOTSTRAP + "=" + kafka.bootstrapServers();
      LakehouseConfig config = TestLake.config(dataDir, conf);
      return new Lake(kafka, config, TestLake.spark(config));
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** Creates the topics with three partitions each and sends the messages, in order. */
  void send(Iterable<OutgoingMessage> messages) {
    KafkaTopics.ensureTopics(kafka.bootstrapServers(), 3);
    try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
      producer.sendAll(messages, n -> {});
    }
  }

  /** Runs the bronze stream until it has read everything Kafka holds. */
  BronzeResult drain(boolean allowDataLoss) {
    return BronzeStream.run(spark, config, new BronzeStream.Options(true, allowDataLoss));
  }

  @Override
  public void close() {
    try {
      spark.stop();
    } finally {
      kafka.close();
    }
  }
}
