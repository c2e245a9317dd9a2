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
import org.apache.spark.sql.Column;
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
   * Bronze rows no run has read yet whose date no window will reach: by snapshot lineage, not by
   * clocks. Every row is judged once, by the first run whose input holds it: the rows appended
   * between the snapshot the latest successful run read and this run's snapshot (an Iceberg
   * incremental read) are late when their date lies before this run's window (a backfill: outside
   * its range and before the day after the latest daily window's start, which the next daily run no
   * longer covers). A dead-letter replay committed after a later stream batch, or clocks that
   * disagree between hosts, cannot hide a row. When that snapshot is gone (expired), falls back to
   * comparing arrival times with the runs' watermarks, and says so.
   */
  static Dataset<Row> lateArrivals(
      SparkSession spark, SilverJob.Request request, Map<String, Long> snapshots, String runId) {
    java.util.Optional<dev.lakehouse.ops.RunLedger.PastRun> previous =
        dev.lakehouse.ops.RunLedger.latestSucceeded(spark, SilverJob.JOB);
    if (previous.isEmpty()) {
      return noLateArrivals(spark);
    }
    LocalDate nextDailyStart = latestDailyWindowStart(spark);
    Dataset<Row> result = null;
    for (Topic topic : Topic.payments()) {
      String table = topic.bronzeTable();
      Long from = previous.get().inputSnapshots().get(table);
      long to = snapshots.get(table);
      if (to < 0 || (from != null && from == to)) {
        continue;
      }
      Dataset<Row> appended;
      if (from == null || from < 0) {
        appended = spark.read().option("snapshot-id", to).table(Tables.qualified(table));
      } else if (isAncestor(spark, table, from, to)) {
        appended =
            spark
                .read()
                .option("start-snapshot-id", from)
                .option("end-snapshot-id", to)
                .table(Tables.qualified(table));
      } else {
        org.slf4j.LoggerFactory.getLogger(SilverHistory.class)
            .warn(
                "{} snapshot {}, which the last silver run read, is no longer in its history;"
                    + " late arrivals are judged by arrival time instead.",
                table,
                from);
        return byWatermark(spark, request, snapshots, runId);
      }
      String dateColumn = topic.eventTimeColumn();
      Column date = to_date(col(dateColumn));
      Column late = date.lt(lit(java.sql.Date.valueOf(request.windowStart())));
      if (request.mode() == SilverJob.Mode.BACKFILL) {
        late =
            late.or(
                date.gt(lit(java.sql.Date.valueOf(request.windowEnd())))
                    .and(
                        nextDailyStart == null
                            ? lit(false)
                            : date.lt(lit(java.sql.Date.valueOf(nextDailyStart.plusDays(1))))));
      }
      Dataset<Row> rows =
          appended
              .filter(late)
              .select(
                  lit(table).as("source_table"),
                  col(topic.keyField()).as("business_key"),
                  date.as("event_date"),
                  col("kafka_partition"),
                  col("kafka_offset"),
                  col("kafka_ts").as("arrived_at"),
                  col("ingested_at"),
                  datediff(to_date(col("kafka_ts")), date).as("days_late"),
                  lit(runId).as("detected_run_id"),
                  lit(null).cast("string").as("applied_run_id"));
      result = result == null ? rows : result.unionByName(rows);
    }
    return result != null ? result : noLateArrivals(spark);
  }

  private static Dataset<Row> noLateArrivals(SparkSession spark) {
    return spark.table(Tables.qualified(Tables.OPS_LATE_ARRIVALS)).limit(0);
  }

  /** The window start of the latest successful daily run, or null. */
  private static LocalDate latestDailyWindowStart(SparkSession spark) {
    List<Row> rows =
        done(spark, SilverJob.JOB)
            .filter(col("mode").equalTo("daily"))
            .agg(org.apache.spark.sql.functions.max("window_start"))
            .collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? null : rows.get(0).getDate(0).toLocalDate();
  }

  private static boolean isAncestor(SparkSession spark, String table, long from, long to) {
    org.apache.iceberg.Table t = dev.lakehouse.common.LakehouseSpark.icebergTable(spark, table);
    for (org.apache.iceberg.Snapshot s = t.snapshot(to);
        s != null;
        s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
      if (s.snapshotId() == from) {
        return true;
      }
    }
    return false;
  }

  /**
   * The fallback: bronze rows for dates before the window that arrived after the last successful
   * run covering their date had read bronze (by ingested_at against that run's watermark).
   */
  static Dataset<Row> byWatermark(
      SparkSession spark, SilverJob.Request request, Map<String, Long> snapshots, String runId) {
    Dataset<Row> result = null;
    for (Topic topic : Topic.payments()) {
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
                          + Tables.utcLiteral(lowest.toInstant())
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
