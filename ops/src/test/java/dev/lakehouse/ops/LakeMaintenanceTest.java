package dev.lakehouse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction, manifest rewrite, snapshot expiry and orphan removal on a table made of many small
 * appends.
 */
class LakeMaintenanceTest {
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;

  @BeforeAll
  static void start() {
    config = TestLake.config(dataDir, Settings.MAINTAIN_SNAPSHOT_RETENTION_DAYS + "=0");
    spark = TestLake.spark(config);
    // Maintenance does not care about a table's columns: a narrow stand-in for silver.transactions.
    OpsTables.createIfMissing(spark);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS silver");
    spark.sql(
        "CREATE TABLE "
            + Tables.SILVER_TRANSACTIONS
            + " (transaction_id STRING, amount DECIMAL(18,2), event_ts TIMESTAMP)"
            + " USING iceberg PARTITIONED BY (days(event_ts))");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static long scalar(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  void smallFilesAreCompactedOldSnapshotsExpiredAndTheStreamsLastSnapshotKept() {
    // 6 small appends over two old days, one append stamped like a bronze stream batch, 7 more.
    for (int i = 0; i < 13; i++) {
      if (i == 6) {
        appendStamped();
      }
      spark.sql(
          "INSERT INTO "
              + Tables.SILVER_TRANSACTIONS
              + " VALUES ('T"
              + i
              + "a', 1.00, TIMESTAMP '2026-01-01 10:00:00'), ('T"
              + i
              + "b', 2.00, TIMESTAMP '2026-01-02 10:00:00')");
    }
    long stamped =
        scalar(
            "SELECT snapshot_id FROM "
                + Tables.qualified(Tables.SILVER_TRANSACTIONS)
                + ".snapshots WHERE summary['lakehouse.stream-query-id'] IS NOT NULL");
    String before =
        spark.sql("SELECT count(*), sum(amount) FROM silver.transactions").first().toString();
    long filesBefore = scalar("SELECT count(*) FROM silver.transactions.files");
    assertThat(filesBefore).isEqualTo(27);

    LakeMaintenance.Result r = LakeMaintenance.run(spark, config);

    assertThat(r.tables())
        .as("the ops tables are maintained like every other table")
        .containsKeys(
            Tables.OPS_RUNS,
            Tables.OPS_DQ_RESULTS,
            Tables.OPS_LATE_ARRIVALS,
            Tables.OPS_STREAM_BATCHES);
    LakeMaintenance.TableCounts counts = r.tables().get(Tables.SILVER_TRANSACTIONS);
    assertThat(counts.filesBefore()).isEqualTo(27);
    assertThat(counts.filesAfter()).as("one file per old partition after compaction").isEqualTo(2);
    assertThat(counts.snapshotsBefore()).isEqualTo(14);
    // +2 (compaction, manifests), -6: the appends older than the stream's stamped snapshot.
    assertThat(counts.snapshotsAfter()).isEqualTo(10);
    // Every file sits in the two old days (2026-01-01 and 02): 27 rewritten into one per day.
    assertThat(counts.filesCompacted()).isEqualTo(27);
    assertThat(counts.filesWritten()).isEqualTo(2);
    assertThat(scalar("SELECT count(*) FROM silver.transactions.files")).isEqualTo(2);
    assertThat(
            spark.sql("SELECT count(*), sum(amount) FROM silver.transactions").first().toString())
        .isEqualTo(before);
    assertThat(
            scalar(
                "SELECT count(*) FROM silver.transactions.snapshots WHERE snapshot_id = "
                    + stamped))
        .as("the stream's last stamped snapshot survives expiry")
        .isEqualTo(1);
    assertThat(
            spark
                .sql("SELECT status, message FROM ops.runs WHERE job = 'maintain'")
                .first()
                .toString())
        .startsWith("[SUCCESS,silver.transactions: files 27->2, snapshots 14->10");
  }

  @Test
  void everyTableOfEveryLayerIsMaintained() throws IllegalAccessException {
    java.util.Set<String> maintained = new java.util.HashSet<>();
    LakeMaintenance.TABLES.forEach(t -> maintained.add(t.name()));
    for (java.lang.reflect.Field f : Tables.class.getFields()) {
      String name = f.getName();
      if (name.matches("(BRONZE|SILVER|GOLD|OPS)_[A-Z_]+")) {
        assertThat(maintained).as(name).contains((String) f.get(null));
      }
    }
  }

  private static void appendStamped() {
    var rows =
        spark.sql(
            "SELECT 'S1' AS transaction_id, 1.00BD AS amount,"
                + " TIMESTAMP '2026-01-01 11:00:00' AS event_ts");
    try {
      rows.writeTo(Tables.qualified(Tables.SILVER_TRANSACTIONS))
          .option(SnapshotStamp.writeOption(SnapshotStamp.QUERY_ID), "q-1")
          .option(SnapshotStamp.writeOption(SnapshotStamp.BATCH_ID), "0")
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }
}
