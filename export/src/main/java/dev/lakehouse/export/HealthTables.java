package dev.lakehouse.export;

import dev.lakehouse.common.Tables;
import dev.lakehouse.export.ExportedTable.Derivation;
import dev.lakehouse.export.ExportedTable.Derivation.Query;
import java.util.List;

/**
 * The pipeline's health as the export last saw it, published beside the marts so that the
 * dashboards' health page needs PostgreSQL only: recent runs, rule failures, dead letters by
 * reason, late arrivals, freshness per layer and the bronze stream's progress per partition. Export
 * runs are left out of the runs, so that exporting the same gold twice still publishes nothing the
 * second time (the manifest holds the exports).
 */
final class HealthTables {
  private HealthTables() {}

  static final ExportedTable RUNS =
      one(
          "health_runs",
          "One row per batch run (the last 1,000; exports are in marts.export_manifest).",
          "run_id STRING, job STRING, mode STRING, business_date DATE, status STRING,"
              + " started_at TIMESTAMP, ended_at TIMESTAMP, rows_read BIGINT, rows_inserted"
              + " BIGINT, rows_updated BIGINT, rows_quarantined BIGINT, rows_late BIGINT,"
              + " message STRING, error STRING",
          "SELECT run_id, job, mode, business_date, status, started_at, ended_at, rows_read,"
              + " rows_inserted, rows_updated, rows_quarantined, rows_late, message, error"
              + " FROM "
              + Tables.OPS_RUNS
              + " WHERE job <> 'export' ORDER BY ended_at DESC, run_id LIMIT 1000",
          Tables.OPS_RUNS);

  static final ExportedTable DQ_FAILURES =
      one(
          "health_dq_failures",
          "One row per run and data-quality rule that failed rows.",
          "run_id STRING, table_name STRING, rule STRING, severity STRING, rows_checked BIGINT,"
              + " rows_failed BIGINT, description STRING, checked_at TIMESTAMP",
          "SELECT run_id, table_name, rule, severity, rows_checked, rows_failed, description,"
              + " checked_at FROM "
              + Tables.OPS_DQ_RESULTS
              + " WHERE rows_failed > 0",
          Tables.OPS_DQ_RESULTS);

  static final ExportedTable DEAD_LETTERS =
      one(
          "health_dead_letters",
          "One row per topic, reason, stage and day of ingestion: the dead letters.",
          "kafka_topic STRING, reason_code STRING, stage STRING, ingested_date DATE,"
              + " dead_letters BIGINT, replayed BIGINT",
          "SELECT kafka_topic, reason_code, stage, to_date(ingested_at) AS ingested_date,"
              + " count(*) AS dead_letters, count(replayed_at) AS replayed FROM "
              + Tables.BRONZE_DEAD_LETTERS
              + " GROUP BY 1, 2, 3, 4",
          Tables.BRONZE_DEAD_LETTERS);

  static final ExportedTable LATE_ARRIVALS =
      one(
          "health_late_arrivals",
          "One row per source table and event date that received messages after its date had"
              + " left the lookback window.",
          "source_table STRING, event_date DATE, arrivals BIGINT, outstanding BIGINT,"
              + " max_days_late INT, last_arrived_at TIMESTAMP",
          "SELECT source_table, event_date, count(*) AS arrivals,"
              + " count_if(applied_run_id IS NULL) AS outstanding, max(days_late) AS"
              + " max_days_late, max(arrived_at) AS last_arrived_at FROM "
              + Tables.OPS_LATE_ARRIVALS
              + " GROUP BY 1, 2",
          Tables.OPS_LATE_ARRIVALS);

  static final ExportedTable ANOMALIES =
      one(
          "health_anomalies",
          "One row per anomaly lakehouse observe found, for the last 90 observed days.",
          "anomaly_id BIGINT, table_name STRING, partition_date DATE, metric STRING, dimension"
              + " STRING, strategy STRING, observed DECIMAL(38,6), expected DECIMAL(38,6),"
              + " expected_low DECIMAL(38,6), expected_high DECIMAL(38,6), score DOUBLE, severity"
              + " STRING, detail STRING, detected_at TIMESTAMP",
          "SELECT anomaly_id, table_name, partition_date, metric, dimension, strategy, observed,"
              + " expected, expected_low, expected_high, score, severity, detail, detected_at FROM "
              + Tables.OPS_ANOMALIES
              + " WHERE partition_date > (SELECT date_sub(max(partition_date), 90) FROM "
              + Tables.OPS_ANOMALIES
              + ")",
          Tables.OPS_ANOMALIES);

  static final ExportedTable METRICS =
      one(
          "health_metrics",
          "One row per table, partition date and metric over the last 120 observed days: every"
              + " table's row count, and the history of each metric an anomaly was found in, with"
              + " its band.",
          "table_name STRING, partition_date DATE, metric STRING, dimension STRING, value"
              + " DECIMAL(38,6), expected_low DECIMAL(38,6), expected_high DECIMAL(38,6)",
          "SELECT m.table_name, m.partition_date, m.metric, m.dimension, m.value, m.expected_low,"
              + " m.expected_high FROM "
              + Tables.OPS_TABLE_METRICS
              + " m LEFT JOIN (SELECT DISTINCT table_name, metric, dimension FROM "
              + Tables.OPS_ANOMALIES
              + ") a ON a.table_name = m.table_name AND a.metric = m.metric AND a.dimension ="
              + " m.dimension WHERE (m.metric = 'row_count' OR a.metric IS NOT NULL) AND"
              + " m.partition_date > (SELECT date_sub(max(partition_date), 120) FROM "
              + Tables.OPS_TABLE_METRICS
              + ")",
          Tables.OPS_TABLE_METRICS);

  static final ExportedTable FRESHNESS =
      ExportedTable.derived(
          "health_freshness",
          new Derivation(
              "One row per layer whose transactions table exists: newest event, last write, rows.",
              "layer STRING, table_name STRING, latest_event_ts TIMESTAMP, last_written_at"
                  + " TIMESTAMP, row_count BIGINT",
              List.of(
                  freshness("bronze", Tables.BRONZE_TRANSACTIONS, "max(ingested_at)"),
                  freshness("silver", Tables.SILVER_TRANSACTIONS, "max(last_updated_at)"),
                  freshness("gold", Tables.GOLD_FCT_TRANSACTIONS, "CAST(NULL AS TIMESTAMP)"))));

  private static Query freshness(String layer, String table, String lastWritten) {
    return new Query(
        table,
        "SELECT '"
            + layer
            + "', '"
            + table
            + "', max(event_ts), "
            + lastWritten
            + ", count(*) FROM "
            + table);
  }

  /** A summary of one table. */
  private static ExportedTable one(
      String name, String grain, String ddl, String sql, String source) {
    return ExportedTable.derived(name, new Derivation(grain, ddl, List.of(new Query(source, sql))));
  }

  static final ExportedTable STREAM =
      one(
          "health_stream",
          "One row per Kafka topic and partition the bronze stream read: the last offset it"
              + " landed and its totals.",
          "kafka_topic STRING, kafka_partition INT, last_offset BIGINT, consumed BIGINT,"
              + " bronze_rows BIGINT, dead_letters BIGINT, batches BIGINT, last_batch_at"
              + " TIMESTAMP",
          "SELECT kafka_topic, kafka_partition, max(end_offset), sum(consumed),"
              + " sum(bronze_rows), sum(dead_letters), count(DISTINCT batch_id),"
              + " max(committed_at) FROM "
              + Tables.OPS_STREAM_BATCHES
              + " GROUP BY 1, 2",
          Tables.OPS_STREAM_BATCHES);
}
