package dev.lakehouse.bronze;

import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.SnapshotStamp;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Makes each table write of a micro-batch happen at most once. Every append carries the streaming
 * query id and batch id as snapshot properties; before writing, the table's snapshot history is
 * searched for that pair. A batch replayed after a crash therefore skips the tables it already
 * wrote and writes only the rest.
 */
final class CommitGuard {
  private CommitGuard() {}

  /** Appends rows unless this (query, batch) is already in the table; returns true if it wrote. */
  static boolean appendOnce(
      SparkSession spark, String table, Dataset<Row> rows, String queryId, long batchId) {
    if (alreadyCommitted(spark, table, queryId, batchId)) {
      return false;
    }
    try {
      rows.writeTo(Tables.qualified(table))
          .option(SnapshotStamp.writeOption(SnapshotStamp.QUERY_ID), queryId)
          .option(SnapshotStamp.writeOption(SnapshotStamp.BATCH_ID), Long.toString(batchId))
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(
          "Table " + table + " disappeared while the stream was writing to it.", e);
    }
    return true;
  }

  /**
   * Walks back from the current snapshot to the newest one written by this query; batches of one
   * query are written in order, so that snapshot tells whether this batch is already in.
   */
  static boolean alreadyCommitted(SparkSession spark, String table, String queryId, long batchId) {
    Table iceberg = load(spark, table);
    Snapshot s = iceberg.currentSnapshot();
    while (s != null) {
      if (queryId.equals(s.summary().get(SnapshotStamp.QUERY_ID))) {
        return Long.parseLong(s.summary().get(SnapshotStamp.BATCH_ID)) >= batchId;
      }
      s = s.parentId() == null ? null : iceberg.snapshot(s.parentId());
    }
    return false;
  }

  static Table load(SparkSession spark, String table) {
    return dev.lakehouse.common.LakehouseSpark.icebergTable(spark, table);
  }
}
