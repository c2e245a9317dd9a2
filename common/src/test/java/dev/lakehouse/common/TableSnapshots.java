package dev.lakehouse.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The current snapshot of every table in the lake. Tests that share one landed lake take it once
 * and put it back after each test, so a test that writes (a replay, say) leaves nothing behind for
 * the next.
 */
public record TableSnapshots(Map<String, Long> ids) {

  public static TableSnapshots of(SparkSession spark) {
    Map<String, Long> ids = new TreeMap<>();
    for (String table : tables(spark)) {
      ids.put(table, LakehouseSpark.currentSnapshotId(spark, table));
    }
    return new TableSnapshots(Map.copyOf(ids));
  }

  /** Makes every table current at its recorded snapshot again and drops tables created since. */
  public void restore(SparkSession spark) {
    for (String table : tables(spark)) {
      Long id = ids.get(table);
      if (id == null) {
        spark.sql("DROP TABLE " + Tables.qualified(table) + " PURGE");
      } else if (LakehouseSpark.currentSnapshotId(spark, table) != id) {
        if (id < 0) {
          // A table that had no snapshot cannot be made current at none; emptying it restores its
          // content.
          spark.sql("DELETE FROM " + Tables.qualified(table));
        } else {
          // Not rollback_to_snapshot: a test may have rolled back and committed past the recorded
          // snapshot.
          spark.sql(
              "CALL "
                  + Tables.CATALOG
                  + ".system.set_current_snapshot(table => '"
                  + table
                  + "', snapshot_id => "
                  + id
                  + ")");
        }
      }
    }
  }

  private static List<String> tables(SparkSession spark) {
    List<String> tables = new ArrayList<>();
    for (Row ns : spark.sql("SHOW NAMESPACES IN " + Tables.CATALOG).collectAsList()) {
      for (Row t :
          spark.sql("SHOW TABLES IN " + Tables.CATALOG + "." + ns.getString(0)).collectAsList()) {
        tables.add(t.getString(0) + "." + t.getString(1));
      }
    }
    return tables;
  }
}
