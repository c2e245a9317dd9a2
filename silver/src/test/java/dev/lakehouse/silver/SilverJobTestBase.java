package dev.lakehouse.silver;

import static dev.lakehouse.silver.BronzeFixture.with;

import dev.lakehouse.bronze.BronzeTables;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the silver job tests share: one lake per class, emptied before each test, and the bronze
 * fixture of inline rows.
 */
abstract class SilverJobTestBase {
  static final LocalDate D = LocalDate.of(2026, 11, 10);
  @TempDir static Path dataDir;
  static LakehouseConfig config;
  static SparkSession spark;
  BronzeFixture bronze;

  @BeforeAll
  static void start() {
    // The fixtures are a handful of rows, most of them broken on purpose: the quarantine ratio
    // of the audit is tested on its own (aDateTheAuditRejects...).
    config = TestLake.config(dataDir, Settings.DQ_MAX_QUARANTINE_RATIO + "=1");
    spark = TestLake.spark(config);
    createTables();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static void createTables() {
    BronzeTables.createIfMissing(spark);
    SilverTables.createIfMissing(spark);
  }

  @BeforeEach
  void emptyTables() {
    for (String namespace : List.of(Tables.BRONZE, Tables.SILVER, Tables.OPS)) {
      for (Row t :
          spark.sql("SHOW TABLES IN " + Tables.CATALOG + "." + namespace).collectAsList()) {
        if (!t.getBoolean(2)) {
          spark.sql("DROP TABLE " + Tables.qualified(namespace + "." + t.getString(1)) + " PURGE");
        }
      }
    }
    createTables();
    bronze = new BronzeFixture(spark);
  }

  static SilverResult runDaily(LocalDate date) {
    return SilverJob.run(spark, config, SilverJob.Request.daily(date, 3, false));
  }

  static Map<String, String> statuses() {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark.sql("SELECT transaction_id, status FROM silver.transactions").collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static String checksum() {
    return spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.transactions")
            .first()
            .toString()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.customers")
            .first()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.accounts")
            .first()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.quarantine")
            .first();
  }

  /** Customer C1 and its account A1, whom the fixture's transactions belong to. */
  void customerC1WithAccountA1(String updatedAt) {
    bronze.append(
        Tables.BRONZE_CUSTOMERS,
        bronze.customer("C1", "Asha Rao", "asha.rao@example.in", "+919812345678", updatedAt));
    bronze.append(Tables.BRONZE_ACCOUNTS, bronze.account("A1", "C1", updatedAt));
  }

  /** Five lifecycles on 11-07..11-10: 13 events, 2 of them redeliveries, 2 that must lose. */
  void stateMachineCases() {
    bronze.append(Tables.BRONZE_TRANSACTIONS, bronze.stateMachineCases());
  }

  Map<String, Object> usd(String id, String amount, String day) {
    String at = day + "T10:00:00Z";
    return with(
        bronze.txn(id.toLowerCase(), id, 1, "SUCCESS", amount, at, at.replace(":00Z", ":01Z")),
        "currency",
        "USD");
  }

  static Map<String, String> inr(String column) {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark
            .sql("SELECT transaction_id, CAST(" + column + " AS STRING) FROM silver.transactions")
            .collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static List<String> filesOf(String day) {
    return spark
        .sql(
            "SELECT file_path FROM silver.transactions.files WHERE partition.event_ts_day = DATE '"
                + day
                + "'")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .sorted()
        .toList();
  }

  /** The current (main) snapshot of every silver table. */
  static Map<String, Long> mainSnapshots() {
    Map<String, Long> m = new HashMap<>();
    for (String t : SilverTables.ALL) {
      m.put(t, dev.lakehouse.common.LakehouseSpark.currentSnapshotId(spark, t));
    }
    return m;
  }
}
