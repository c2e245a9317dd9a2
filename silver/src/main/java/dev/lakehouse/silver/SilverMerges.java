package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The MERGE statements of silver, one per target table, each USING a source with one row per key.
 * The window's dates are literals so Iceberg reads and rewrites only those partitions. A MERGE that
 * would change nothing is not run, so a rerun commits no new snapshot.
 */
final class SilverMerges {
  // ${key} and ${time} are the topic's key and event-time columns (Topic).
  static final String MERGE_TRANSACTIONS =
      "MERGE INTO lakehouse.${table} t USING ${source} s ON t.${key} = s.${key} AND t.${time} >="
          + " TIMESTAMP '${window_start}' AND t.${time} < TIMESTAMP '${window_end_exclusive}' WHEN"
          + " MATCHED AND t.row_hash <> s.row_hash THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT"
          + " *";

  static final String MERGE_REFERENCE =
      "MERGE INTO lakehouse.${table} t USING ${source} s ON t.${key} = s.${key}"
          + " WHEN MATCHED AND (s.${time} > t.${time}"
          + "   OR (s.${time} = t.${time} AND s.row_hash <> t.row_hash)) THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *";

  static final String MERGE_QUARANTINE =
      "MERGE INTO lakehouse.${target} t USING ${source} s"
          + " ON t.rule = s.rule AND t.source_table = s.source_table"
          + " AND t.kafka_partition = s.kafka_partition AND t.kafka_offset = s.kafka_offset"
          + " WHEN NOT MATCHED THEN INSERT *";

  static final String MERGE_LATE =
      "MERGE INTO lakehouse.ops.late_arrivals t USING ${source} s"
          + " ON t.source_table = s.source_table AND t.kafka_partition = s.kafka_partition"
          + " AND t.kafka_offset = s.kafka_offset"
          + " WHEN NOT MATCHED THEN INSERT *";

  private SilverMerges() {}

  static String startLiteral(LocalDate start) {
    return start + " 00:00:00";
  }

  static String endExclusiveLiteral(LocalDate end) {
    return end.plusDays(1) + " 00:00:00";
  }

  /** column in [start 00:00, end + 1 day 00:00), as literals. */
  static Column windowPredicate(String column, LocalDate start, LocalDate end) {
    return expr(
        column
            + " >= TIMESTAMP '"
            + startLiteral(start)
            + "' AND "
            + column
            + " < TIMESTAMP '"
            + endExclusiveLiteral(end)
            + "'");
  }

  private static String view(Dataset<Row> source, String name) {
    String view = "silver_source_" + name.replace('.', '_');
    source.createOrReplaceTempView(view);
    return view;
  }

  private static String forTopic(String statement, Topic topic, String target) {
    return statement
        .replace("${table}", target)
        .replace("${key}", topic.keyField())
        .replace("${time}", topic.eventTimeColumn());
  }

  /** One table's MERGE: the source, the target rows it can match and what counts as a change. */
  record Change(Dataset<Row> source, Dataset<Row> target, String changed, String key) {}

  /** A reference topic's MERGE into its silver table on the run's branch. */
  static Change referenceChange(
      SparkSession spark, AuditBranch branch, Topic topic, Dataset<Row> source) {
    return new Change(
        source,
        spark.table(Tables.qualified(branch.read(topic.silverTable()))),
        forTopic(
            "s.${time} > t.${time} OR (s.${time} = t.${time} AND s.row_hash <> t.row_hash)",
            topic,
            topic.silverTable()),
        topic.keyField());
  }

  /** The window's transactions' MERGE on the run's branch. */
  static Change transactionChange(
      SparkSession spark, AuditBranch branch, Dataset<Row> source, LocalDate start, LocalDate end) {
    Topic topic = Topic.TRANSACTIONS;
    return new Change(
        source,
        spark
            .table(Tables.qualified(branch.read(topic.silverTable())))
            .filter(windowPredicate(topic.eventTimeColumn(), start, end)),
        "s.row_hash <> t.row_hash",
        topic.keyField());
  }

  /**
   * {inserted, updated} of each MERGE, in the order given: source rows without a target row, and
   * with one that changed. Counted for all of them in one Spark action, before any is run (their
   * targets are different tables), so that a MERGE that would change nothing is not run.
   */
  static long[][] insertedAndUpdated(List<Change> changes) {
    Dataset<Row> counts = null;
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      Dataset<Row> one =
          c.source()
              .as("s")
              .join(c.target().as("t"), col("s." + c.key()).equalTo(col("t." + c.key())), "left")
              .agg(
                  expr("count_if(t." + c.key() + " IS NULL)").as("inserted"),
                  expr("count_if(t." + c.key() + " IS NOT NULL AND (" + c.changed() + "))")
                      .as("updated"))
              .select(lit(i).as("change"), col("inserted"), col("updated"));
      counts = counts == null ? one : counts.union(one);
    }
    long[][] out = new long[changes.size()][];
    if (counts != null) {
      for (Row r : counts.collectAsList()) {
        out[r.getInt(0)] = new long[] {r.getLong(1), r.getLong(2)};
      }
    }
    return out;
  }

  /**
   * MERGEs a reference topic's rows into its silver table on the run's branch when {@code counts}
   * ({inserted, updated}, from {@link #insertedAndUpdated}) says anything changes.
   */
  static void mergeReference(
      SparkSession spark, AuditBranch branch, Topic topic, Dataset<Row> source, long[] counts) {
    if (counts[0] + counts[1] > 0) {
      spark.sql(
          forTopic(MERGE_REFERENCE, topic, branch.ref(topic.silverTable()))
              .replace("${source}", view(source, topic.silverTable())));
    }
  }

  /**
   * MERGEs the window's transactions on the run's branch when {@code counts} says anything does.
   */
  static void mergeTransactions(
      SparkSession spark,
      AuditBranch branch,
      Dataset<Row> source,
      LocalDate start,
      LocalDate end,
      long[] counts) {
    Topic topic = Topic.TRANSACTIONS;
    if (counts[0] + counts[1] > 0) {
      spark.sql(
          forTopic(MERGE_TRANSACTIONS, topic, branch.ref(topic.silverTable()))
              .replace("${source}", view(source, topic.silverTable()))
              .replace("${window_start}", startLiteral(start))
              .replace("${window_end_exclusive}", endExclusiveLiteral(end)));
    }
  }

  static void mergeQuarantine(SparkSession spark, AuditBranch branch, Dataset<Row> source) {
    Dataset<Row> target = spark.table(Tables.qualified(branch.read(Tables.SILVER_QUARANTINE)));
    long fresh =
        source
            .as("s")
            .join(
                target.as("t"),
                expr(
                    "t.rule = s.rule AND t.source_table = s.source_table AND t.kafka_partition ="
                        + " s.kafka_partition AND t.kafka_offset = s.kafka_offset"),
                "left_anti")
            .count();
    if (fresh > 0) {
      spark.sql(
          MERGE_QUARANTINE
              .replace("${target}", branch.ref(Tables.SILVER_QUARANTINE))
              .replace("${source}", view(source, Tables.SILVER_QUARANTINE)));
    }
  }

  static void mergeLateArrivals(SparkSession spark, Dataset<Row> source) {
    Dataset<Row> target = spark.table(Tables.qualified(Tables.OPS_LATE_ARRIVALS));
    long fresh =
        source
            .as("s")
            .join(
                target.as("t"),
                expr(
                    "t.source_table = s.source_table AND t.kafka_partition = s.kafka_partition AND"
                        + " t.kafka_offset = s.kafka_offset"),
                "left_anti")
            .count();
    if (fresh > 0) {
      spark.sql(MERGE_LATE.replace("${source}", view(source, Tables.OPS_LATE_ARRIVALS)));
    }
  }

  /**
   * Stamps the outstanding late arrivals of the window's dates as applied by this run: it read a
   * bronze snapshot that holds them (they were detected by an earlier run, from an earlier snapshot
   * of append-only bronze), so they are in silver now.
   */
  static void markLateApplied(SparkSession spark, String runId, LocalDate start, LocalDate end) {
    String condition =
        "applied_run_id IS NULL AND detected_run_id <> '"
            + runId
            + "' AND event_date BETWEEN DATE '"
            + start
            + "' AND DATE '"
            + end
            + "'";
    if (spark
            .table(Tables.qualified(Tables.OPS_LATE_ARRIVALS))
            .filter(expr(condition))
            .limit(1)
            .count()
        > 0) {
      spark.sql(
          "UPDATE lakehouse."
              + Tables.OPS_LATE_ARRIVALS
              + " SET applied_run_id = '"
              + runId
              + "' WHERE "
              + condition);
    }
  }
}
