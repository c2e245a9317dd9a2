package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ingest.OutgoingMessage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 100,000 mutated messages through a real broker and the real stream: no batch fails, and every
 * message lands exactly once, in bronze or as a dead letter with a reason.
 */
class BronzeFuzzTest extends BronzeTestBase {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeFuzzTest.class);
  static final int MESSAGES = 100_000;

  @Test
  void everyMutatedMessageLandsOnceAndNoBatchFails() {
    lake = Lake.start(dataDir, Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=40000");
    SparkSession spark = lake.spark();
    GeneratorOptions options =
        GeneratorOptions.from(lake.config(), 2_000, 5, 11L, LocalDate.of(2026, 11, 1));
    List<OutgoingMessage> seeds = new ArrayList<>();
    EventGenerator generator = new EventGenerator(options);
    generator.plan();
    generator.messages().forEach(seeds::add);
    MessageMutator mutator = new MessageMutator(20261201L);
    List<OutgoingMessage> fuzz = mutator.mutate(seeds, MESSAGES);
    LOG.info("Fuzz mutations applied: {}", mutator.applied);
    lake.send(fuzz);
    assertThat(
            endOffsets(lake.kafka().bootstrapServers()).values().stream().mapToLong(l -> l).sum())
        .as("messages in Kafka")
        .isEqualTo(MESSAGES);

    BronzeResult result = lake.drain(false); // a failing batch would throw here

    assertThat(result.consumed()).isEqualTo(MESSAGES);
    long bronzeRows = result.bronzeRows().values().stream().mapToLong(l -> l).sum();
    long deadLetters = result.deadLetters();
    assertThat(bronzeRows + deadLetters).isEqualTo(MESSAGES);
    // Message by message: each (topic, partition, offset) Kafka holds lands exactly once.
    Row landed =
        spark
            .sql(
                "SELECT count(*), count(DISTINCT kafka_topic, kafka_partition, kafka_offset) FROM ("
                    + LedgerChecks.landedUnion()
                    + ")")
            .first();
    assertThat(landed.getLong(0)).isEqualTo(MESSAGES);
    assertThat(landed.getLong(1)).isEqualTo(MESSAGES);
    LedgerChecks.assertNoDuplicates(spark);
    LedgerChecks.assertLedgerMatchesTables(spark);

    Map<String, Long> byReason = new TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT reason_code, count(*) FROM "
                    + Tables.BRONZE_DEAD_LETTERS
                    + " GROUP BY 1 ORDER BY 1")
            .collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    LOG.info(
        "Fuzz: {} messages, {} to bronze, dead letters by reason {}",
        MESSAGES,
        bronzeRows,
        byReason);
    assertThat(byReason).isEqualTo(result.deadLettersByReason());
    // The hostile kinds each produced dead letters of their own reason, and no message needed the
    // catch-all: every failure the mutator makes has a specific check.
    assertThat(byReason)
        .containsKeys(
            DeadLetterReason.MALFORMED_JSON.name(),
            DeadLetterReason.INVALID_UTF8.name(),
            DeadLetterReason.WRONG_TYPE.name(),
            DeadLetterReason.MISSING_FIELD.name(),
            DeadLetterReason.OUT_OF_RANGE.name(),
            DeadLetterReason.BAD_TIMESTAMP.name(),
            DeadLetterReason.BAD_AMOUNT_PRECISION.name(),
            DeadLetterReason.INVALID_TEXT.name(),
            DeadLetterReason.OVERSIZED.name(),
            DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION.name())
        .doesNotContainKey(DeadLetterReason.PARSER_ERROR.name());
    assertThat(bronzeRows).as("benign mutations still land in bronze").isPositive();
    // Whatever reached bronze is within the contract's bounds.
    Row bounds =
        spark
            .sql(
                "SELECT min(event_ts), max(event_ts), max(abs(amount)) FROM "
                    + Tables.BRONZE_TRANSACTIONS)
            .first();
    assertThat(bounds.getTimestamp(0).toInstant().toString()).isGreaterThanOrEqualTo("1970");
    assertThat(bounds.getTimestamp(1).toInstant().toString()).isLessThan("2100");
    assertThat(bounds.getDecimal(2)).isLessThanOrEqualTo(new java.math.BigDecimal("1000000000"));
  }

  private static Map<TopicPartition, Long> endOffsets(String bootstrap) {
    Map<String, Object> props =
        Map.of(
            "bootstrap.servers", bootstrap,
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : dev.lakehouse.contract.Topic.names()) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      return consumer.endOffsets(partitions);
    }
  }
}
