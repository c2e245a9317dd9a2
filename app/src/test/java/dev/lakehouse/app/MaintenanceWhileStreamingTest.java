package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakehouse.bronze.BronzeStream;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ingest.OutgoingMessage;
import dev.lakehouse.ops.LakeMaintenance;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * lakehouse maintain while the bronze stream keeps consuming and a producer keeps sending: old
 * partitions are compacted, the stream keeps committing afterwards, queries answer, and every
 * message lands once.
 */
class MaintenanceWhileStreamingTest extends CliTestBase {

  @Test
  void maintenanceCompactsOldPartitionsWhileTheStreamWritesAndNothingIsLostOrDoubled()
      throws Exception {
    startBroker();
    LakehouseConfig config =
        configure(
            Settings.BRONZE_TRIGGER_SECONDS + "=1",
            Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=400",
            Settings.MAINTAIN_SNAPSHOT_RETENTION_DAYS + "=0");
    SparkSession spark = spark();
    LocalDate end = LocalDate.of(2026, 10, 20);
    EventGenerator generator =
        new EventGenerator(GeneratorOptions.from(config, 3_000, 10, 21L, end));
    GenerationReport report = generator.plan();
    List<OutgoingMessage> messages = new ArrayList<>();
    generator.messages().forEach(messages::add);
    int half = messages.size() / 2;
    KafkaTopics.ensureTopics(kafka.bootstrapServers(), 3);
    try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
      messages.subList(0, half).forEach(producer::send);
    }

    AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    Thread stream =
        new Thread(
            () -> {
              try {
                BronzeStream.run(spark, config, new BronzeStream.Options(false, false));
              } catch (Throwable t) {
                streamFailure.set(t);
              }
            },
            "bronze-stream");
    stream.start();
    await().atMost(Duration.ofMinutes(3)).until(() -> consumed() >= half);

    // The second half arrives while maintenance runs.
    Thread producerThread =
        new Thread(
            () -> {
              try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
                for (int i = half; i < messages.size(); i++) {
                  producer.send(messages.get(i));
                  if (i % 100 == 0) {
                    producer.flush();
                    Thread.sleep(150);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "producer");
    producerThread.start();

    long batchesBefore = batches();
    LakeMaintenance.Result r = LakeMaintenance.run(spark, config, end, false);
    long batchesAfterMaintenance = batches();

    LakeMaintenance.TableCounts txn = r.tables().get(Tables.BRONZE_TRANSACTIONS);
    assertThat(r.status()).isEqualTo("SUCCESS");
    assertThat(txn.filesBefore()).as("bronze.transactions data files before").isGreaterThan(20);
    // The total after maintenance also counts what the stream appended meanwhile, so the
    // compaction's own counts say whether it compacted.
    assertThat(txn.filesWritten())
        .as("files the compaction wrote for the partitions before the lookback")
        .isPositive()
        .isLessThan(txn.filesCompacted());
    assertThat(batchesAfterMaintenance)
        .as("the stream committed batches during maintenance")
        .isGreaterThan(batchesBefore);
    assertThat(spark.sql("SELECT count(*) FROM " + Tables.BRONZE_TRANSACTIONS).first().getLong(0))
        .as("a query during streaming answers")
        .isPositive();

    // A retried maintenance task for the same date is a recorded no-op.
    assertThat(LakeMaintenance.run(spark, config, end, false).status()).isEqualTo("NOOP");

    producerThread.join();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> consumed() >= report.totalMessages() || streamFailure.get() != null);
    assertThat(streamFailure.get()).as("the stream kept running").isNull();
    assertThat(stream.isAlive()).isTrue();
    BronzeStream.stopAll(spark);
    stream.join(60_000);

    assertThat(consumed()).isEqualTo(report.totalMessages());
    long landed = 0;
    for (String topic : Topic.names()) {
      String table = Topic.of(topic).bronzeTable();
      long rows = spark.sql("SELECT count(*) FROM " + table).first().getLong(0);
      long distinct =
          spark
              .sql("SELECT count(DISTINCT kafka_partition, kafka_offset) FROM " + table)
              .first()
              .getLong(0);
      assertThat(rows)
          .as(topic + " rows")
          .isEqualTo(report.topic(topic).valid())
          .isEqualTo(distinct);
      landed += rows;
    }
    landed += spark.sql("SELECT count(*) FROM " + Tables.BRONZE_DEAD_LETTERS).first().getLong(0);
    assertThat(landed)
        .as("bronze + dead letters = every message sent")
        .isEqualTo(report.totalMessages());
    assertThat(
            spark
                .sql("SELECT count(*) FROM ops.runs WHERE job = 'maintain' AND status = 'NOOP'")
                .first()
                .getLong(0))
        .isEqualTo(1);
  }

  private static long consumed() {
    SparkSession spark = spark();
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_STREAM_BATCHES))) {
      return 0;
    }
    Object v = spark.sql("SELECT sum(consumed) FROM " + Tables.OPS_STREAM_BATCHES).first().get(0);
    return v == null ? 0 : ((Number) v).longValue();
  }

  private static long batches() {
    return spark()
        .sql("SELECT count(DISTINCT batch_id) FROM " + Tables.OPS_STREAM_BATCHES)
        .first()
        .getLong(0);
  }
}
