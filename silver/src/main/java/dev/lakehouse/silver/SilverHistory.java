package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What earlier runs did, read from ops.runs: coverage, reruns, watermarks for late arrivals. */
final class SilverHistory {
  private SilverHistory() {}

  private static Dataset<Row> done(SparkSession spark, String job) {
    return spark
        .table(Tables.qualified(Tables.OPS_RUNS))
        .filter(col("job").equalTo(job).and(col("status").isin("SUCCESS", "NOOP")));
  }

  /**
   * Dates between the last processed date before {@code date} and {@code date} that no run covered.
   */
  static List<LocalDate> missedDates(SparkSession spark, String job, LocalDate date) {
    TreeSet<LocalDate> covered = new TreeSet<>();
    for (Row r :
        done(spark, job)
            .select("mode", "business_date", "window_start", "window_end")
            .collectAsList()) {
      if ("backfill".equals(r.getString(0))) {
        for (LocalDate d = r.getDate(2).toLocalDate();
            !d.isAfter(r.getDate(3).toLocalDate());
            d = d.plusDays(1)) {
          covered.add(d);
        }
      } else {
        covered.add(r.getDate(1).toLocalDate());
      }
    }
    LocalDate last = covered.lower(date);
    List<LocalDate> missed = new ArrayList<>();
    if (last == null) {
      return missed;
    }
    for (LocalDate d = last.plusDays(1); d.isBefore(date); d = d.plusDays(1)) {
      if (!covered.contains(d)) {
        missed.add(d);
      }
    }
    return missed;
  }

  static boolean hasSucceeded(
      SparkSession spark, String job, String mode, LocalDate start, LocalDate end) {
    return sameWindow(done(spark, job), mode, start, end).limit(1).count() > 0;
  }

  private static Dataset<Row> sameWindow(
      Dataset<Row> runs, String mode, LocalDate start, LocalDate end) {
    return runs.filter(
        col("mode")
            .equalTo(mode.toLowerCase())
            .and(col("window_start").equalTo(lit(java.sql.Date.valueOf(start))))
            .and(col("window_end").equalTo(lit(java.sql.Date.valueOf(end)))));
  }

  static long outstandingLate(SparkSession spark) {
    return spark
        .table(Tables.qualified(Tables.OPS_LATE_ARRIVALS))
        .filter(col("applied_run_id").isNull())
        .count();
  }

  /**
   * Bronze rows (as of this run's snapshots) for dates before the window that arrived after the
   * last successful run covering their date had read bronze: they are late and wait for a backfill.
   */
  static Dataset<Row> lateArrivals(
      SparkSession spark, SilverJob.Request request, Map<String, Long> snapshots, String runId) {
    Dataset<Row> result = null;
    for (Topic topic : Topic.values()) {
      String table = topic.bronzeTable();
      String key = topic.keyField();
      String dateColumn = topic.eventTimeColumn();
      Dataset<Row> marks =
          done(spark, SilverJob.JOB)
              .filter(col("status").equalTo("SUCCESS"))
              .select(
                  expr("explode(sequence(window_start, window_end))").as("event_date"),
                  expr("input_watermarks['" + table + "']").as("wm"))
              .filter(
                  col("event_date")
                      .lt(lit(java.sql.Date.valueOf(request.windowStart())))
                      .and(col("wm").isNotNull()))
              .groupBy("event_date")
              .agg(org.apache.spark.sql.functions.max("wm").as("wm"));
      Row min = marks.agg(org.apache.spark.sql.functions.min("wm")).first();
      long snapshot = snapshots.get(table);
      if (min.isNullAt(0) || snapshot < 0) {
        continue;
      }
      Timestamp lowest = min.getTimestamp(0);
      Dataset<Row> bronze =
          spark
              .read()
              .option("snapshot-id", snapshot)
              .table(Tables.qualified(table))
              .filter(
                  expr(
                      dateColumn
                          + " < TIMESTAMP '"
                          + SilverMerges.startLiteral(request.windowStart())
                          + "'"
                          + " AND ingested_at > TIMESTAMP '"
                          + lowest
                          + "'"));
      Dataset<Row> late =
          bronze
              .join(marks, to_date(col(dateColumn)).equalTo(col("event_date")))
              .filter(col("ingested_at").gt(col("wm")))
              .select(
                  lit(table).as("source_table"),
                  col(key).as("business_key"),
                  col("event_date"),
                  col("kafka_partition"),
                  col("kafka_offset"),
                  col("kafka_ts").as("arrived_at"),
                  col("ingested_at"),
                  datediff(to_date(col("kafka_ts")), col("event_date")).as("days_late"),
                  lit(runId).as("detected_run_id"),
                  lit(null).cast("string").as("applied_run_id"));
      result = result == null ? late : result.unionByName(late);
    }
    return result != null
        ? result
        : spark.table(Tables.qualified(Tables.OPS_LATE_ARRIVALS)).limit(0);
  }
}
