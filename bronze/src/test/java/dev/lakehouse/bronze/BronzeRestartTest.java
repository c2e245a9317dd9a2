package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ingest.OutgoingMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts after a lost checkpoint commit, and streams whose offsets were deleted from Kafka. Both
 * tests rewrite what the checkpoint, bronze or Kafka hold, so each lands the shared data set in a
 * lake of its own.
 */
class BronzeRestartTest extends BronzeTestBase {
  static List<OutgoingMessage> messages;

  @BeforeAll
  static void generate() {
    EventGenerator generator =
        new EventGenerator(
            GeneratorOptions.from(
                    TestLake.config(dataDir), 4_000, 8, 11L, LocalDate.of(2026, 10, 20))
                .withRates(0.02, 0.02));
    generator.plan();
    // The generator hands out its plan once; kept here, it can be sent to each test's broker.
    messages = new ArrayList<>();
    generator.messages().forEach(messages::add);
  }

  private static Map<String, Long> tableCounts(SparkSession spark) {
    Map<String, Long> counts = new HashMap<>();
    for (String topic : Topic.names()) {
      counts.put(topic, spark.table(Topic.of(topic).bronzeTable()).count());
    }
    counts.put("dead_letters", spark.table(Tables.BRONZE_DEAD_LETTERS).count());
    return counts;
  }

  /** Rolls ops.stream_batches back one commit: the ledger row a crash did not write. */
  private static void undoLastLedgerCommit(SparkSession spark) {
    long parent =
        LakehouseSpark.icebergTable(spark, Tables.OPS_STREAM_BATCHES).currentSnapshot().parentId();
    spark.sql(
        "CALL lakehouse.system.rollback_to_snapshot('"
            + Tables.OPS_STREAM_BATCHES
            + "', "
            + parent
            + ")");
  }

  @Test
  void batchReplayedAfterACrashIsNotWrittenTwice(@TempDir Path dir) throws IOException {
    try (Lake lake = Lake.start(dir, Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=1500")) {
      SparkSession spark = lake.spark();
      lake.send(messages);
      BronzeResult first = lake.drain(false);
      assertThat(first.batches()).isGreaterThanOrEqualTo(3);
      Map<String, Long> before = tableCounts(spark);
      long ledgerRowsBefore = spark.table(Tables.OPS_STREAM_BATCHES).count();

      // Crash after the bronze tables and dead letters of the last batch were committed, but before
      // its ledger row and the checkpoint's commit file were written (as Iceberg's own streaming
      // tests
      // do).
      Path commits = lake.config().path(Settings.BRONZE_CHECKPOINT_DIR).resolve("commits");
      Path last;
      try (Stream<Path> files = Files.list(commits)) {
        last =
            files
                .filter(p -> p.getFileName().toString().matches("\\d+"))
                .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
                .orElseThrow();
      }
      Files.delete(last);
      Files.deleteIfExists(commits.resolve("." + last.getFileName() + ".crc"));
      undoLastLedgerCommit(spark);
      assertThat(spark.table(Tables.OPS_STREAM_BATCHES).count()).isLessThan(ledgerRowsBefore);

      BronzeResult second = lake.drain(false);

      assertThat(second.batches()).isEqualTo(1);
      assertThat(second.replayedBatches()).isEqualTo(1);
      assertThat(tableCounts(spark)).isEqualTo(before);
      assertThat(spark.table(Tables.OPS_STREAM_BATCHES).count()).isEqualTo(ledgerRowsBefore);
      LedgerChecks.assertNoDuplicates(spark);
      LedgerChecks.assertLedgerMatchesTables(spark);
    }
  }

  /**
   * The checkpoint is lost together with the ledger row of the last batch (a crash, then an
   * operator deleting the checkpoint), and the new query reads with a smaller batch size: it starts
   * after what the ledger records, so it re-reads only the last batch, in other ranges than before,
   * and the tables keep each message once.
   */
  @Test
  void aDeletedCheckpointAndAReplayWithOtherRangesDuplicateNothing(@TempDir Path dir)
      throws IOException {
    try (Lake lake = Lake.start(dir, Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=1500")) {
      SparkSession spark = lake.spark();
      int half = messages.size() / 2;
      lake.send(messages.subList(0, half));
      BronzeResult first = lake.drain(false);
      assertThat(first.batches()).isGreaterThanOrEqualTo(2);
      long lastBatchRows =
          spark
              .sql(
                  "SELECT sum(consumed) FROM "
                      + Tables.OPS_STREAM_BATCHES
                      + " WHERE batch_id = (SELECT max(batch_id) FROM "
                      + Tables.OPS_STREAM_BATCHES
                      + ")")
              .first()
              .getLong(0);
      undoLastLedgerCommit(spark);
      Path checkpoint = lake.config().path(Settings.BRONZE_CHECKPOINT_DIR);
      try (Stream<Path> files = Files.walk(checkpoint)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      assertThat(checkpoint).doesNotExist();
      lake.send(messages.subList(half, messages.size()));

      BronzeResult second =
          BronzeStream.run(
              spark,
              TestLake.config(
                  dir,
                  Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=700",
                  Settings.KAFKA_BOOTSTRAP + "=" + lake.kafka().bootstrapServers()),
              new BronzeStream.Options(true, false));

      // The re-read is the last batch of the first query, nothing before it.
      assertThat(second.consumed()).isEqualTo(lastBatchRows + messages.size() - half);
      assertThat(second.replayedBatches()).isPositive();
      Row landed =
          spark
              .sql(
                  "SELECT count(*), count(DISTINCT kafka_topic, kafka_partition, kafka_offset) FROM"
                      + " ("
                      + LedgerChecks.landedUnion()
                      + ")")
              .first();
      assertThat(landed.getLong(0)).isEqualTo(messages.size());
      assertThat(landed.getLong(1)).isEqualTo(messages.size());
      LedgerChecks.assertNoDuplicates(spark);
      LedgerChecks.assertLedgerMatchesTables(spark);
    }
  }

  @Test
  void deletedOffsetsStopTheStreamUnlessDataLossIsAllowed(@TempDir Path dir) throws Exception {
    // How many batches the first drain takes does not matter here, so one batch takes it all.
    try (Lake lake = Lake.start(dir)) {
      SparkSession spark = lake.spark();
      lake.send(messages);
      lake.drain(false);
      TopicPartition tp = new TopicPartition(Topic.TRANSACTIONS.topicName(), 0);
      long readUpTo =
          spark
              .sql(
                  "SELECT max(end_offset) FROM "
                      + Tables.OPS_STREAM_BATCHES
                      + " WHERE kafka_topic = 'transactions' AND kafka_partition = 0")
              .first()
              .getLong(0);
      // 30 new messages on partition 0, in three transactions of 10: each commit marker takes
      // an offset that no consumer ever sees (readUpTo + 11, + 22, + 33). Then retention deletes
      // the first 10 messages before bronze reads them.
      Properties props = new Properties();
      props.put("bootstrap.servers", lake.kafka().bootstrapServers());
      props.put("transactional.id", "restart-test");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.initTransactions();
        for (int t = 0; t < 3; t++) {
          producer.beginTransaction();
          for (int i = 0; i < 10; i++) {
            producer.send(
                new ProducerRecord<>(
                    tp.topic(),
                    tp.partition(),
                    null,
                    ("not json " + (10 * t + i)).getBytes(StandardCharsets.UTF_8)));
          }
          producer.commitTransaction();
        }
      }
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", lake.kafka().bootstrapServers()))) {
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(readUpTo + 11))).all().get();
      }

      assertThatThrownBy(() -> lake.drain(false))
          .isInstanceOf(BronzeStream.DataLossException.class)
          .hasMessageContaining("--allow-data-loss");

      BronzeResult allowed = lake.drain(true);

      // Deleted: the 10 messages retention removed. Holes: the first marker, before the batch's
      // first message (Kafka's earliest offset, so not deleted), and the second, between the two
      // transactions the batch read. The third marker ends the log.
      assertThat(allowed.lostOffsets()).isEqualTo(10);
      assertThat(allowed.consumed()).isEqualTo(20);
      List<String> skipped =
          spark
              .sql(
                  "SELECT kind, from_offset - "
                      + readUpTo
                      + ", to_offset - "
                      + readUpTo
                      + " FROM "
                      + Tables.OPS_SKIPPED_OFFSETS
                      + " ORDER BY from_offset")
              .collectAsList()
              .stream()
              .map(Row::toString)
              .toList();
      assertThat(skipped).containsExactly("[deleted,1,10]", "[hole,11,11]", "[hole,22,22]");
      List<Row> lost =
          spark
              .sql(
                  "SELECT lost_from_offset, lost_to_offset FROM "
                      + Tables.OPS_STREAM_BATCHES
                      + " WHERE lost_from_offset IS NOT NULL")
              .collectAsList();
      assertThat(lost).hasSize(1);
      assertThat(lost.get(0).getLong(0)).isEqualTo(readUpTo + 1);
      assertThat(lost.get(0).getLong(1)).isEqualTo(readUpTo + 10);
      LedgerChecks.assertNoDuplicates(spark);
      LedgerChecks.assertLedgerMatchesTables(spark);

      // The topic recreated: its offsets start over, under what bronze holds. Bronze refuses
      // rather than take new messages for ones it has.
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", lake.kafka().bootstrapServers()))) {
        admin.deleteTopics(List.of(tp.topic())).all().get();
        await()
            .atMost(java.time.Duration.ofSeconds(30))
            .until(() -> !admin.listTopics().names().get().contains(tp.topic()));
      }
      lake.send(messages.subList(0, 20));
      assertThatThrownBy(() -> lake.drain(true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Kafka's offsets went backwards for transactions-0")
          .hasMessageContaining("Nothing was read");
    }
  }
}
