package dev.lakehouse.ops;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The ops.* tables every job writes its bookkeeping to, created when they do not exist yet. */
public final class OpsTables {
  /** Iceberg properties of the bookkeeping tables. */
  public static final String PROPERTIES =
      " TBLPROPERTIES ('format-version'='2', 'write.distribution-mode'='hash',"
          + " 'write.merge.mode'='copy-on-write', 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  private static final String AUDIT_COLUMNS =
      " audit_branch STRING COMMENT 'the Iceberg branch a silver run wrote to before publishing',"
          + " audit_verdict STRING COMMENT 'published, or rejected: why (the branch is kept)'";

  private OpsTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.OPS);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_RUNS
            + " (run_id STRING, job STRING, mode STRING, business_date DATE, window_start DATE,"
            + " window_end DATE, parameters STRING,"
            + " status STRING COMMENT 'SUCCESS, FAILED or NOOP', started_at TIMESTAMP,"
            + " ended_at TIMESTAMP, rows_read BIGINT, rows_inserted BIGINT, rows_updated BIGINT,"
            + " rows_quarantined BIGINT, rows_late BIGINT, input_snapshots MAP<STRING, BIGINT>,"
            + " input_watermarks MAP<STRING, TIMESTAMP>, output_snapshots MAP<STRING, BIGINT>,"
            + " is_rerun BOOLEAN, is_suspicious BOOLEAN, message STRING, error STRING,"
            + AUDIT_COLUMNS
            + ") USING iceberg COMMENT 'One row per run of a batch job, failed runs included.'"
            + PROPERTIES);
    // Lakes created before write-audit-publish get the audit columns.
    List<String> columns = Arrays.asList(spark.table(Tables.qualified(Tables.OPS_RUNS)).columns());
    if (!columns.contains("audit_branch")) {
      spark.sql("ALTER TABLE " + Tables.OPS_RUNS + " ADD COLUMNS (" + AUDIT_COLUMNS + ")");
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_DQ_RESULTS
            + " (run_id STRING, table_name STRING, rule STRING, severity STRING,"
            + " rows_checked BIGINT, rows_failed BIGINT, sample_keys ARRAY<STRING>,"
            + " description STRING, checked_at TIMESTAMP)"
            + " USING iceberg COMMENT 'One row per run and validation rule.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_LATE_ARRIVALS
            + " (source_table STRING, business_key STRING, event_date DATE, kafka_partition INT,"
            + " kafka_offset BIGINT, arrived_at TIMESTAMP COMMENT 'Kafka timestamp', ingested_at"
            + " TIMESTAMP, days_late INT COMMENT 'days between the event date and the arrival"
            + " date', detected_run_id STRING, applied_run_id STRING COMMENT 'the backfill (or run)"
            + " that applied it; null while outstanding') USING iceberg COMMENT 'One row per bronze"
            + " message that arrived after its date had left the lookback window.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_STREAM_BATCHES
            + " (query_id STRING, batch_id BIGINT, kafka_topic STRING, kafka_partition INT,"
            + " start_offset BIGINT COMMENT 'first offset read, inclusive', end_offset BIGINT"
            + " COMMENT 'last offset read, inclusive', consumed BIGINT, bronze_rows BIGINT,"
            + " dead_letters BIGINT, lost_from_offset BIGINT COMMENT 'first offset deleted from"
            + " Kafka before it was read', lost_to_offset BIGINT COMMENT 'last offset deleted from"
            + " Kafka before it was read', committed_at TIMESTAMP) USING iceberg COMMENT 'One row"
            + " per bronze stream micro-batch and Kafka topic-partition it read.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_TABLE_METRICS
            + " (run_id STRING COMMENT 'the observe run that computed it', layer STRING,"
            + " table_name STRING, partition_date DATE, metric STRING COMMENT 'row_count,"
            + " null_rate, distinct_keys, share, mean, p50, p99, sum, quarantine_ratio,"
            + " dead_letter_ratio, freshness_hours', dimension STRING COMMENT 'the column (or"
            + " column=value for a share); empty for a table-wide metric', value DECIMAL(38,6),"
            + " expected_low DECIMAL(38,6) COMMENT 'the band its history made normal; null"
            + " without enough history', expected_high DECIMAL(38,6), computed_at TIMESTAMP)"
            + " USING iceberg COMMENT 'One row per table, partition date, metric and dimension:"
            + " the metric history anomaly detection learns from (docs/anomalies.md).'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_ANOMALIES
            + " (anomaly_id BIGINT, run_id STRING, table_name STRING, partition_date DATE,"
            + " metric STRING, dimension STRING, strategy STRING COMMENT 'seasonal_zscore,"
            + " rate_of_change or psi', observed DECIMAL(38,6), expected DECIMAL(38,6),"
            + " expected_low DECIMAL(38,6), expected_high DECIMAL(38,6), score DOUBLE COMMENT"
            + " 'z-score, rate, or PSI', severity STRING COMMENT 'warn or error', training_points"
            + " INT, detail STRING, detected_at TIMESTAMP) USING iceberg COMMENT 'One row per"
            + " metric value outside the range its own history makes normal.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.OPS_SKIPPED_OFFSETS
            + " (query_id STRING, batch_id BIGINT, kafka_topic STRING, kafka_partition INT,"
            + " from_offset BIGINT, to_offset BIGINT COMMENT 'inclusive', kind STRING COMMENT"
            + " 'deleted: gone from Kafka before the stream read it (only with --allow-data-loss);"
            + " hole: absent inside the range a batch read (transaction markers, compaction,"
            + " deletion during the read)', recorded_at TIMESTAMP) USING iceberg COMMENT 'One row"
            + " per range of Kafka offsets the bronze stream skipped.'"
            + PROPERTIES);
  }
}
