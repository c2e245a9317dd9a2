package dev.lakehouse.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every Kafka message land in each table at most once, whatever the checkpoint or the query
 * id. Every stream commit stamps the table's snapshot with its high-water marks: per Kafka
 * topic-partition, the last offset of the stream the table now holds (rows it holds, or messages
 * that were never meant for it). Before writing, the newest stamped snapshot's marks are read, and
 * rows at or below them are dropped: a batch replayed after a crash, by a new checkpoint or with a
 * different range writes only what the table lacks. Stamps also carry the query and batch ids.
 */
public final class CommitGuard {
  private static final Logger LOG = LoggerFactory.getLogger(CommitGuard.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an append did. */
  public enum Outcome {
    /** Every row was new. */
    WROTE,
    /** The table already held the whole range: nothing written. */
    SKIPPED,
    /** The table held part of the range (a replay with another range): the rest written. */
    PARTIAL
  }

  private CommitGuard() {}

  /** The key of a topic-partition in the marks. */
  public static String key(String topic, int partition) {
    return topic + ":" + partition;
  }

  /**
   * Appends the rows of a batch that the table does not hold yet.
   *
   * @param ranges the batch's offsets per topic-partition, {first, last}
   * @param offsetColumn the column holding a row's offset ({@code end_offset} for the ledger)
   */
  public static Outcome appendOnce(
      SparkSession spark,
      String table,
      Dataset<Row> rows,
      String queryId,
      long batchId,
      Map<String, long[]> ranges,
      String offsetColumn) {
    Table iceberg = LakehouseSpark.icebergTable(spark, table);
    Map<String, Long> marks = marks(spark, iceberg, table);
    boolean anyNew = false;
    boolean anyHeld = false;
    Column held = lit(false);
    Map<String, Long> next = new TreeMap<>(marks);
    for (Map.Entry<String, long[]> e : ranges.entrySet()) {
      long first = e.getValue()[0];
      long last = e.getValue()[1];
      Long mark = marks.get(e.getKey());
      if (mark == null || mark < first) {
        anyNew = true;
      } else {
        anyHeld = true;
        anyNew |= mark < last;
        int colon = e.getKey().lastIndexOf(':');
        held =
            held.or(
                col("kafka_topic")
                    .equalTo(e.getKey().substring(0, colon))
                    .and(
                        col("kafka_partition")
                            .equalTo(Integer.parseInt(e.getKey().substring(colon + 1))))
                    .and(col(offsetColumn).leq(mark)));
      }
      next.merge(e.getKey(), last, Math::max);
    }
    if (!anyNew) {
      return Outcome.SKIPPED;
    }
    Dataset<Row> fresh = anyHeld ? rows.filter(not(held)) : rows;
    if (anyHeld) {
      LOG.warn(
          "Batch {} of query {} overlaps what {} already holds (up to {}); writing only the rest.",
          batchId,
          queryId,
          table,
          marks);
    }
    try {
      fresh
          .writeTo(Tables.qualified(table))
          .option(SnapshotStamp.writeOption(SnapshotStamp.QUERY_ID), queryId)
          .option(SnapshotStamp.writeOption(SnapshotStamp.BATCH_ID), Long.toString(batchId))
          .option(SnapshotStamp.writeOption(SnapshotStamp.OFFSETS), JSON.writeValueAsString(next))
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(
          "Table " + table + " disappeared while the stream was writing to it.", e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return anyHeld ? Outcome.PARTIAL : Outcome.WROTE;
  }

  /**
   * The table's high-water marks: those of its newest stamped snapshot. A table stamped by an
   * earlier version (query and batch ids only) gets its marks from its rows, once.
   */
  public static Map<String, Long> marks(SparkSession spark, Table iceberg, String table) {
    for (Snapshot s = iceberg.currentSnapshot();
        s != null;
        s = s.parentId() == null ? null : iceberg.snapshot(s.parentId())) {
      String offsets = s.summary().get(SnapshotStamp.OFFSETS);
      if (offsets != null) {
        try {
          return JSON.readValue(offsets, new TypeReference<TreeMap<String, Long>>() {});
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(
              "Cannot read the stream marks of " + table + " snapshot " + s.snapshotId(), e);
        }
      }
      if (s.summary().containsKey(SnapshotStamp.QUERY_ID)) {
        return marksFromRows(spark, table);
      }
    }
    return Map.of();
  }

  private static Map<String, Long> marksFromRows(SparkSession spark, String table) {
    String offset =
        table.equals(Tables.OPS_STREAM_BATCHES) ? "max(end_offset)" : "max(kafka_offset)";
    Map<String, Long> marks = new TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT kafka_topic, kafka_partition, "
                    + offset
                    + " FROM "
                    + Tables.qualified(table)
                    + " GROUP BY 1, 2")
            .collectAsList()) {
      marks.put(key(r.getString(0), r.getInt(1)), r.getLong(2));
    }
    return marks;
  }
}
