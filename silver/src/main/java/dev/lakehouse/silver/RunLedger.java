package dev.lakehouse.silver;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Appends one row per run to ops.runs, failed runs included. */
public final class RunLedger {
  private static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType).add("job", DataTypes.StringType).add("mode", DataTypes.StringType)
      .add("business_date", DataTypes.DateType).add("window_start", DataTypes.DateType).add("window_end", DataTypes.DateType)
      .add("parameters", DataTypes.StringType).add("status", DataTypes.StringType)
      .add("started_at", DataTypes.TimestampType).add("ended_at", DataTypes.TimestampType)
      .add("rows_read", DataTypes.LongType).add("rows_inserted", DataTypes.LongType).add("rows_updated", DataTypes.LongType)
      .add("rows_quarantined", DataTypes.LongType).add("rows_late", DataTypes.LongType)
      .add("input_snapshots", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("input_watermarks", DataTypes.createMapType(DataTypes.StringType, DataTypes.TimestampType))
      .add("output_snapshots", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("is_rerun", DataTypes.BooleanType).add("is_suspicious", DataTypes.BooleanType)
      .add("message", DataTypes.StringType).add("error", DataTypes.StringType);

  /** One ledger row. */
  public record Entry(
      String runId, String job, String mode, LocalDate businessDate, LocalDate windowStart, LocalDate windowEnd,
      String parameters, String status, Timestamp startedAt, Timestamp endedAt, long rowsRead, long rowsInserted,
      long rowsUpdated, long rowsQuarantined, long rowsLate, Map<String, Long> inputSnapshots,
      Map<String, Timestamp> inputWatermarks, Map<String, Long> outputSnapshots, boolean rerun, boolean suspicious,
      String message, String error) {}

  private RunLedger() {}

  public static void append(SparkSession spark, Entry e) {
    Row row = RowFactory.create(
        e.runId(), e.job(), e.mode(), Date.valueOf(e.businessDate()), Date.valueOf(e.windowStart()),
        Date.valueOf(e.windowEnd()), e.parameters(), e.status(), e.startedAt(), e.endedAt(), e.rowsRead(),
        e.rowsInserted(), e.rowsUpdated(), e.rowsQuarantined(), e.rowsLate(),
        CollectionConverters.asScala(e.inputSnapshots()), CollectionConverters.asScala(e.inputWatermarks()),
        CollectionConverters.asScala(e.outputSnapshots()), e.rerun(), e.suspicious(), e.message(), e.error());
    LakehouseSpark.append(spark.createDataFrame(List.of(row), SCHEMA), Tables.OPS_RUNS);
  }
}
