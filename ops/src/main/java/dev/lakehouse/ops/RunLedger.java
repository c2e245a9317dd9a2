package dev.lakehouse.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Appends one row per run to ops.runs, failed runs included. */
public final class RunLedger {
  private static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("job", DataTypes.StringType)
          .add("mode", DataTypes.StringType)
          .add("business_date", DataTypes.DateType)
          .add("window_start", DataTypes.DateType)
          .add("window_end", DataTypes.DateType)
          .add("parameters", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType)
          .add("ended_at", DataTypes.TimestampType)
          .add("rows_read", DataTypes.LongType)
          .add("rows_inserted", DataTypes.LongType)
          .add("rows_updated", DataTypes.LongType)
          .add("rows_quarantined", DataTypes.LongType)
          .add("rows_late", DataTypes.LongType)
          .add("input_snapshots", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add(
              "input_watermarks",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.TimestampType))
          .add(
              "output_snapshots", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add("is_rerun", DataTypes.BooleanType)
          .add("is_suspicious", DataTypes.BooleanType)
          .add("message", DataTypes.StringType)
          .add("error", DataTypes.StringType)
          .add("audit_branch", DataTypes.StringType)
          .add("audit_verdict", DataTypes.StringType);

  private RunLedger() {}

  /**
   * True when a successful run of {@code job} over the same window read exactly these input
   * snapshots: running it again would change nothing, so the caller records a NOOP instead.
   */
  public static boolean succeededWithInputs(
      SparkSession spark,
      String job,
      String mode,
      LocalDate start,
      LocalDate end,
      Map<String, Long> snapshots) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_RUNS))) {
      return false;
    }
    Dataset<Row> runs =
        spark
            .table(Tables.qualified(Tables.OPS_RUNS))
            .filter(
                col("job")
                    .equalTo(job)
                    .and(col("status").equalTo("SUCCESS"))
                    .and(col("mode").equalTo(mode.toLowerCase()))
                    .and(col("window_start").equalTo(lit(Date.valueOf(start))))
                    .and(col("window_end").equalTo(lit(Date.valueOf(end)))));
    for (Row r : runs.select("input_snapshots").collectAsList()) {
      Map<String, Long> previous = new HashMap<>();
      CollectionConverters.asJava(r.<String, Long>getMap(0)).forEach(previous::put);
      if (previous.equals(snapshots)) {
        return true;
      }
    }
    return false;
  }

  /** What a past run read: its input snapshots and its parameters (JSON). */
  public record PastRun(
      String runId, String status, Map<String, Long> inputSnapshots, String parameters) {}

  /**
   * The latest run of {@code job} that succeeded or found nothing to do (by end time): what the
   * job's output reflects.
   */
  public static Optional<PastRun> latestSucceeded(SparkSession spark, String job) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_RUNS))) {
      return Optional.empty();
    }
    List<Row> rows =
        spark
            .table(Tables.qualified(Tables.OPS_RUNS))
            .filter(col("job").equalTo(job).and(col("status").isin("SUCCESS", "NOOP")))
            .orderBy(col("ended_at").desc())
            .select("run_id", "status", "input_snapshots", "parameters")
            .limit(1)
            .collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row r = rows.get(0);
    Map<String, Long> inputs = new HashMap<>();
    if (!r.isNullAt(2)) {
      CollectionConverters.asJava(r.<String, Long>getMap(2)).forEach(inputs::put);
    }
    return Optional.of(
        new PastRun(r.getString(0), r.getString(1), Map.copyOf(inputs), r.getString(3)));
  }

  /** The id of a successful run of {@code job} for this business date, if there is one. */
  public static Optional<String> succeededFor(
      SparkSession spark, String job, LocalDate businessDate) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_RUNS))) {
      return Optional.empty();
    }
    List<Row> rows =
        spark
            .table(Tables.qualified(Tables.OPS_RUNS))
            .filter(
                col("job")
                    .equalTo(job)
                    .and(col("status").equalTo("SUCCESS"))
                    .and(col("business_date").equalTo(lit(Date.valueOf(businessDate)))))
            .select("run_id")
            .limit(1)
            .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getString(0));
  }

  /** Appends one run's record. */
  public static void append(SparkSession spark, RunRecord e) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_RUNS))) {
      OpsTables.createIfMissing(spark);
    }
    RunRecord.Counts n = e.counts();
    Row row =
        RowFactory.create(
            e.runId(),
            e.job(),
            e.mode(),
            Date.valueOf(e.businessDate()),
            Date.valueOf(e.windowStart()),
            Date.valueOf(e.windowEnd()),
            e.parameters(),
            e.status(),
            e.startedAt(),
            e.endedAt(),
            n.read(),
            n.inserted(),
            n.updated(),
            n.quarantined(),
            n.late(),
            CollectionConverters.asScala(e.inputSnapshots()),
            CollectionConverters.asScala(e.inputWatermarks()),
            CollectionConverters.asScala(e.outputSnapshots()),
            e.rerun(),
            e.suspicious(),
            e.message(),
            e.error(),
            e.auditBranch(),
            e.auditVerdict());
    LakehouseSpark.append(spark.createDataFrame(List.of(row), SCHEMA), Tables.OPS_RUNS);
  }
}
