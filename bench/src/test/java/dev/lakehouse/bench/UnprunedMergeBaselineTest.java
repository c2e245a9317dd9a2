package dev.lakehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeTables;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.silver.SilverJob;
import dev.lakehouse.silver.SilverResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's unpruned baseline (silver's plan MERGEd without the literal window predicate)
 * must leave silver.transactions exactly as silver's own daily run does; it may only be slower.
 */
class UnprunedMergeBaselineTest {
  static final LocalDate D = LocalDate.of(2026, 11, 10);
  @TempDir static Path dataDir;
  static LakehouseConfig config;
  static SparkSession spark;
  private long offset;

  @BeforeAll
  static void start() {
    config = TestLake.config(dataDir);
    spark = TestLake.spark(config);
    BronzeTables.createIfMissing(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  /** A card payment of C1's account A1; arrival is the Kafka timestamp and the ingestion time. */
  static Map<String, Object> txn(
      String eventId,
      String txnId,
      int seq,
      String status,
      String amount,
      String eventTs,
      String arrival) {
    Map<String, Object> m = new HashMap<>();
    m.put("event_id", eventId);
    m.put("transaction_id", txnId);
    m.put("sequence", seq);
    m.put("status", status);
    m.put("txn_type", "CARD_PAYMENT");
    m.put("account_id", "A1");
    m.put("customer_id", "C1");
    m.put("amount", new BigDecimal(amount));
    m.put("currency", "INR");
    m.put("channel", "POS");
    m.put("event_ts", ts(eventTs));
    m.put("status_ts", ts(arrival));
    m.put("merchant_id", "M1");
    m.put("kafka_ts", ts(arrival));
    m.put("ingested_at", ts(arrival));
    return m;
  }

  /**
   * Appends rows to a bronze table with the next Kafka offsets of partition 0; absent columns are
   * null.
   */
  @SafeVarargs
  final void append(String table, Map<String, Object>... rows) {
    StructType schema = spark.table(Tables.qualified(table)).schema();
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      Map<String, Object> values = new HashMap<>(m);
      values.put("schema_version", 1);
      values.put("kafka_topic", table.substring(table.indexOf('.') + 1));
      values.put("kafka_partition", 0);
      values.put("kafka_offset", offset++);
      Object[] row = new Object[schema.size()];
      int i = 0;
      for (StructField f : schema.fields()) {
        row[i++] = values.get(f.name());
      }
      out.add(RowFactory.create(row));
    }
    LakehouseSpark.append(spark.createDataFrame(out, schema), table);
  }

  static Map<String, String> statuses() {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark.sql("SELECT transaction_id, status FROM silver.transactions").collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static String transactionsChecksum() {
    return spark
        .sql(
            "SELECT count(*), sum(amount_inr), sum(CAST(xxhash64(to_json(struct(*))) AS"
                + " DECIMAL(38,0))) FROM silver.transactions")
        .first()
        .toString();
  }

  @Test
  void theUnprunedMergeLeavesTheSameRowsAsSilversDailyRun() {
    Map<String, Object> customer = new HashMap<>();
    customer.put("customer_id", "C1");
    customer.put("full_name", "Asha Rao");
    customer.put("email", "asha.rao@example.in");
    customer.put("phone", "+919812345678");
    customer.put("date_of_birth", Date.valueOf("1990-04-17"));
    customer.put("city_tier", 1);
    customer.put("updated_at", ts("2026-11-07T01:00:00Z"));
    customer.put("kafka_ts", ts("2026-11-07T01:00:00Z"));
    customer.put("ingested_at", ts("2026-11-07T01:00:00Z"));
    append(Tables.BRONZE_CUSTOMERS, customer);
    Map<String, Object> account = new HashMap<>();
    account.put("account_id", "A1");
    account.put("customer_id", "C1");
    account.put("account_type", "SAVINGS");
    account.put("opening_balance", new BigDecimal("1000.00"));
    account.put("overdraft_limit", new BigDecimal("0.00"));
    account.put("updated_at", ts("2026-11-07T01:00:00Z"));
    account.put("kafka_ts", ts("2026-11-07T01:00:00Z"));
    account.put("ingested_at", ts("2026-11-07T01:00:00Z"));
    append(Tables.BRONZE_ACCOUNTS, account);
    // T2 settles inside the window of D; the history has one payment a day on 10-01..10-05.
    append(
        Tables.BRONZE_TRANSACTIONS,
        txn("e2a", "T2", 1, "PENDING", "200.00", "2026-11-09T10:00:00Z", "2026-11-09T10:00:01Z"),
        txn("e2b", "T2", 2, "SUCCESS", "200.00", "2026-11-09T10:00:00Z", "2026-11-09T10:05:00Z"));
    SilverJob.run(spark, config, SilverJob.Request.daily(D, 3, false));
    for (int day = 1; day <= 5; day++) {
      String date = String.format("2026-10-%02d", day);
      append(
          Tables.BRONZE_TRANSACTIONS,
          txn(
              "h" + day,
              "H" + day,
              1,
              "SUCCESS",
              "1.00",
              date + "T10:00:00Z",
              date + "T10:00:01Z"));
    }
    SilverJob.run(
        spark,
        config,
        SilverJob.Request.backfill(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 5), false));
    Map<String, Long> baseline = new LinkedHashMap<>();
    for (String t : BenchProbe.SILVER_TABLES) {
      baseline.put(t, LakehouseSpark.currentSnapshotId(spark, t));
    }
    // New payments on three of the window's days, and T2 reversed.
    append(
        Tables.BRONZE_TRANSACTIONS,
        txn("p1", "P1", 1, "SUCCESS", "1.00", "2026-11-07T10:00:00Z", "2026-11-10T11:00:00Z"),
        txn("p2", "P2", 1, "SUCCESS", "1.00", "2026-11-09T10:00:00Z", "2026-11-10T11:00:00Z"),
        txn("p3", "P3", 1, "PENDING", "1.00", "2026-11-10T10:00:00Z", "2026-11-10T11:00:00Z"),
        txn("e2c", "T2", 3, "REVERSED", "200.00", "2026-11-09T10:00:00Z", "2026-11-10T11:00:00Z"));

    SilverResult pruned = SilverJob.run(spark, config, SilverJob.Request.daily(D, 3, true));
    Map<String, String> prunedStatuses = statuses();
    String prunedChecksum = transactionsChecksum();
    BenchProbe.rollback(spark, baseline);
    assertThat(statuses()).doesNotContainKey("P3");
    long[] unpruned = BenchProbe.unprunedMerge(spark, config, SilverJob.Request.daily(D, 3, true));

    // P1, P2 and P3 inserted, T2 updated; C1 and A1 unchanged.
    assertThat(pruned.rowsInserted()).isEqualTo(3);
    assertThat(pruned.rowsUpdated()).isEqualTo(1);
    assertThat(unpruned).containsExactly(3, 1);
    assertThat(prunedStatuses)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "T2",
                "REVERSED",
                "P1",
                "SUCCESS",
                "P2",
                "SUCCESS",
                "P3",
                "PENDING",
                "H1",
                "SUCCESS",
                "H2",
                "SUCCESS",
                "H3",
                "SUCCESS",
                "H4",
                "SUCCESS",
                "H5",
                "SUCCESS"));
    assertThat(statuses()).isEqualTo(prunedStatuses);
    // 9 transactions: 200.00 of T2, 5 x 1.00 of history, 3 x 1.00 new
    assertThat(
            spark
                .sql("SELECT count(*), sum(amount_inr) FROM silver.transactions")
                .first()
                .getDecimal(1))
        .isEqualByComparingTo("208.00");
    assertThat(transactionsChecksum()).isEqualTo(prunedChecksum);
    assertThat(BenchProbe.MERGE_TRANSACTIONS_UNPRUNED).doesNotContain("event_ts");
  }
}
