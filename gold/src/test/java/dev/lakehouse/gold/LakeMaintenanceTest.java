package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.silver.SilverTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction, manifest rewrite, snapshot expiry and orphan removal on a table made of many small appends. */
class LakeMaintenanceTest {
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;

  @BeforeAll
  static void start() {
    config = TestLake.config(dataDir, Settings.MAINTAIN_SNAPSHOT_RETENTION_DAYS + "=0");
    spark = TestLake.spark(config);
    SilverTables.createIfMissing(spark);
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
      GoldMartsTest.append(spark, Tables.SILVER_TRANSACTIONS, List.of(
          GoldMartsTest.tx("A1", "DEPOSIT", "1.00", "SUCCESS", "2026-01-01", null),
          GoldMartsTest.tx("A1", "DEPOSIT", "2.00", "SUCCESS", "2026-01-02", null)));
    }
    long stamped = scalar("SELECT snapshot_id FROM " + Tables.qualified(Tables.SILVER_TRANSACTIONS)
        + ".snapshots WHERE summary['lakehouse.stream-query-id'] IS NOT NULL");
    String before = spark.sql("SELECT count(*), sum(amount) FROM silver.transactions").first().toString();
    long filesBefore = scalar("SELECT count(*) FROM silver.transactions.files");
    assertThat(filesBefore).isEqualTo(27);

    LakeMaintenance.Result r = LakeMaintenance.run(spark, config);

    long[] counts = r.tables().get(Tables.SILVER_TRANSACTIONS);
    assertThat(counts[0]).isEqualTo(27);
    assertThat(counts[1]).as("one file per old partition after compaction").isEqualTo(2);
    assertThat(counts[2]).isEqualTo(14);
    // +2 (compaction, manifests), -6: the appends older than the stream's stamped snapshot.
    assertThat(counts[3]).isEqualTo(10);
    assertThat(scalar("SELECT count(*) FROM silver.transactions.files")).isEqualTo(2);
    assertThat(spark.sql("SELECT count(*), sum(amount) FROM silver.transactions").first().toString()).isEqualTo(before);
    assertThat(scalar("SELECT count(*) FROM silver.transactions.snapshots WHERE snapshot_id = " + stamped))
        .as("the stream's last stamped snapshot survives expiry").isEqualTo(1);
    assertThat(spark.sql("SELECT status, message FROM ops.runs WHERE job = 'maintain'").first().toString())
        .startsWith("[SUCCESS,silver.transactions: files 27->2, snapshots 14->10");
  }

  private static void appendStamped() {
    var rows = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(row(
        GoldMartsTest.tx("A1", "DEPOSIT", "1.00", "SUCCESS", "2026-01-01", null)))),
        spark.table(Tables.qualified(Tables.SILVER_TRANSACTIONS)).schema());
    try {
      rows.writeTo(Tables.qualified(Tables.SILVER_TRANSACTIONS))
          .option("snapshot-property.lakehouse.stream-query-id", "q-1")
          .option("snapshot-property.lakehouse.stream-batch-id", "0")
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object[] row(Map<String, Object> m) {
    var fields = spark.table(Tables.qualified(Tables.SILVER_TRANSACTIONS)).schema().fields();
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = m.get(fields[i].name());
    }
    return values;
  }
}
