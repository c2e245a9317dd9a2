package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TableSnapshots;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.ContractLimits;
import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * generate with faults into a real broker, drain with bronze, compare with the generator's ground
 * truth. The lake is landed once for the class; each test reads it, and whatever a test writes is
 * rolled back after it.
 */
class BronzeStreamTest extends BronzeTestBase {
  static SparkSession spark;
  static GenerationReport report;
  static BronzeResult result;
  static TableSnapshots landed;

  @BeforeAll
  static void generateAndDrain() {
    lake = Lake.start(dataDir, Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=4000");
    spark = lake.spark();
    // High fault rates so that every malformed kind appears in a small data set.
    GeneratorOptions options =
        GeneratorOptions.from(lake.config(), 8_000, 12, 7L, LocalDate.of(2026, 11, 1))
            .withRates(0.03, 0.03);
    EventGenerator generator = new EventGenerator(options);
    report = generator.plan();
    lake.send(generator.messages());
    result = lake.drain(false);
    landed = TableSnapshots.of(spark);
  }

  @AfterEach
  void restoreTheLandedLake() {
    landed.restore(spark);
  }

  @Test
  void bronzeRowsPerTopicEqualWhatTheGeneratorProduced() {
    for (String topic : Topic.names()) {
      if (Topic.of(topic).domain() != Topic.Domain.PAYMENTS) {
        // The payments generator makes no trading messages: their tables exist, empty.
        assertThat(spark.table(Topic.of(topic).bronzeTable()).count()).as(topic).isZero();
        continue;
      }
      long rows = spark.table(Topic.of(topic).bronzeTable()).count();
      assertThat(rows).as(topic).isEqualTo(report.topic(topic).valid()).isPositive();
      assertThat(result.bronzeRows().get(topic)).isEqualTo(rows);
    }
    assertThat(result.consumed()).isEqualTo(report.totalMessages());
    assertThat(spark.table(Tables.BRONZE_TRANSACTIONS).count()).isGreaterThan(7_000);
  }

  @Test
  void everyMalformedMessageIsADeadLetterWithTheRightReason() {
    Map<String, Long> expected = new HashMap<>();
    for (String topic : Topic.names()) {
      report
          .topic(topic)
          .malformed()
          .forEach((reason, n) -> expected.put(topic + "/" + reason.name(), n));
    }
    Map<String, Long> actual = new HashMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT kafka_topic, reason_code, count(*) FROM "
                    + Tables.BRONZE_DEAD_LETTERS
                    + " GROUP BY 1, 2")
            .collectAsList()) {
      actual.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
    }
    assertThat(actual).isEqualTo(expected);
    // Every reason code of the contract was exercised on the transactions topic, but the catch-all
    // for failures no check foresaw (the fuzz test shows none occurs).
    assertThat(report.topic(Topic.TRANSACTIONS.topicName()).malformed().keySet())
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(DeadLetterReason.values())
                .filter(r -> r != DeadLetterReason.PARSER_ERROR)
                .toList());
  }

  @Test
  void deadLettersKeepTheRawBytesAndAReadableMessage() {
    Row oversized =
        spark
            .sql(
                "SELECT raw_value, raw_text, stage, message FROM "
                    + Tables.BRONZE_DEAD_LETTERS
                    + " WHERE reason_code = 'OVERSIZED' LIMIT 1")
            .first();
    assertThat((byte[]) oversized.get(0)).hasSizeGreaterThan(64 * 1024);
    assertThat(oversized.getString(2)).isEqualTo("decode");
    assertThat(oversized.getString(3)).contains("over the limit");
    Row utf8 =
        spark
            .sql(
                "SELECT raw_value, raw_text FROM "
                    + Tables.BRONZE_DEAD_LETTERS
                    + " WHERE reason_code = 'INVALID_UTF8' LIMIT 1")
            .first();
    assertThat((byte[]) utf8.get(0)).contains((byte) 0xC3, (byte) 0x28);
    assertThat(utf8.isNullAt(1)).isTrue();
  }

  @Test
  void unknownFieldsAreKeptInExtraFields() {
    long withExtras =
        spark
            .sql(
                "SELECT count(*) FROM "
                    + Tables.BRONZE_TRANSACTIONS
                    + " WHERE extra_fields LIKE '%risk_score%'")
            .first()
            .getLong(0);
    assertThat(withExtras)
        .isEqualTo(report.topic(Topic.TRANSACTIONS.topicName()).withExtraFields())
        .isPositive();
  }

  @Test
  void everyMessageIsAccountedForOnceInTheLedger() {
    LedgerChecks.assertNoDuplicates(spark);
    LedgerChecks.assertLedgerMatchesTables(spark);
    long ledgerConsumed =
        spark.sql("SELECT sum(consumed) FROM " + Tables.OPS_STREAM_BATCHES).first().getLong(0);
    assertThat(ledgerConsumed).isEqualTo(report.totalMessages());
    assertThat(result.batches()).isGreaterThan(1);
  }

  @Test
  void bronzeIsPartitionedByEventDay() {
    long partitions =
        spark
            .sql("SELECT count(*) FROM " + Tables.BRONZE_TRANSACTIONS + ".partitions")
            .first()
            .getLong(0);
    long days =
        spark
            .sql("SELECT count(DISTINCT to_date(event_ts)) FROM " + Tables.BRONZE_TRANSACTIONS)
            .first()
            .getLong(0);
    assertThat(partitions).isEqualTo(days).isGreaterThanOrEqualTo(12);
  }

  @Test
  void parseSplitsInlineKafkaRowsIntoTableRowsAndDeadLetters() {
    StructType kafkaSchema =
        new StructType()
            .add("key", DataTypes.BinaryType)
            .add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType);
    Timestamp kafkaTs = Timestamp.from(Instant.parse("2026-11-01T00:00:00Z"));
    String merchant =
        "{\"schema_version\":1,\"merchant_id\":\"M1\",\"name\":\"Chai Point\","
            + "\"category\":\"FOOD\",\"city\":\"Pune\",\"updated_at\":\"2026-11-01T05:30:00+05:30\"}";
    List<Row> input =
        List.of(
            // a valid merchant profile
            RowFactory.create(bytes("M1"), bytes(merchant), "merchants", 0, 7L, kafkaTs),
            // the same merchant with an unknown category
            RowFactory.create(
                null, bytes(merchant.replace("FOOD", "GAMBLING")), "merchants", 0, 8L, kafkaTs));
    Dataset<Row> parsed =
        MessageParsing.parse(
            spark.createDataFrame(input, kafkaSchema), ContractLimits.defaults(1024));
    Timestamp ingestedAt = Timestamp.from(Instant.parse("2026-11-02T00:00:00Z"));

    List<Row> valid = MessageParsing.valid(parsed, "merchants", ingestedAt).collectAsList();
    assertThat(valid).hasSize(1);
    Row m = valid.get(0);
    assertThat(m.getAs("merchant_id").toString()).isEqualTo("M1");
    assertThat((Timestamp) m.getAs("updated_at")).isEqualTo(kafkaTs);
    assertThat((long) m.getAs("kafka_offset")).isEqualTo(7L);
    assertThat(m.getAs("kafka_key").toString()).isEqualTo("M1");
    assertThat((Timestamp) m.getAs("ingested_at")).isEqualTo(ingestedAt);

    List<Row> dead = MessageParsing.deadLetters(parsed, ingestedAt).collectAsList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getAs("reason_code").toString()).isEqualTo("UNKNOWN_ENUM");
    assertThat((long) dead.get(0).getAs("kafka_offset")).isEqualTo(8L);
    assertThat(dead.get(0).getAs("raw_text").toString()).contains("GAMBLING");
    assertThat(MessageParsing.valid(parsed, "transactions", ingestedAt).count()).isZero();
  }

  @Test
  void oversizedDeadLettersAreReplayedExactlyOnceAfterTheLimitIsRaised() {
    long oversized =
        Topic.names().stream()
            .mapToLong(
                t -> report.topic(t).malformed().getOrDefault(DeadLetterReason.OVERSIZED, 0L))
            .sum();
    long oversizedTxn =
        report.topic(Topic.TRANSACTIONS.topicName()).malformed().get(DeadLetterReason.OVERSIZED);
    long before = spark.table(Tables.BRONZE_TRANSACTIONS).count();
    LakehouseConfig raised = TestLake.config(dataDir, Settings.BRONZE_MAX_MESSAGE_KB + "=256");

    DeadLetterReplay.Result first = DeadLetterReplay.replay(spark, raised, "OVERSIZED", null);

    assertThat(first.selected()).isEqualTo(oversized).isPositive();
    assertThat(first.replayedTotal()).isEqualTo(oversized);
    assertThat(first.stillDead()).isEmpty();
    assertThat(spark.table(Tables.BRONZE_TRANSACTIONS).count()).isEqualTo(before + oversizedTxn);
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM "
                        + Tables.BRONZE_DEAD_LETTERS
                        + " WHERE reason_code = 'OVERSIZED' AND replayed_at IS NULL")
                .first()
                .getLong(0))
        .isZero();

    DeadLetterReplay.Result second = DeadLetterReplay.replay(spark, raised, "OVERSIZED", null);

    assertThat(second.selected()).isZero();
    assertThat(spark.table(Tables.BRONZE_TRANSACTIONS).count()).isEqualTo(before + oversizedTxn);
    LedgerChecks.assertNoDuplicates(spark);
    // Under the old limit a replay moves nothing: the letters stay dead, with their reason.
    DeadLetterReplay.Result unchanged =
        DeadLetterReplay.replay(spark, lake.config(), "INVALID_UTF8", null);
    assertThat(unchanged.replayedTotal()).isZero();
    assertThat(unchanged.stillDead()).containsOnlyKeys("INVALID_UTF8");
  }

  @Test
  void moneyIsDecimal() {
    assertThat(spark.table(Tables.BRONZE_TRANSACTIONS).schema().apply("amount").dataType().sql())
        .isEqualTo("DECIMAL(18,2)");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
