package dev.lakehouse.app;

import dev.lakehouse.common.PrometheusText;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.anomaly.Anomalies;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code lakehouse status} found, in Prometheus' text format, for a node-exporter textfile
 * collector: the health, freshness, jobs, stream lags and progress, data-quality failures, dead
 * letters, late arrivals and open anomalies.
 */
final class StatusMetrics {
  private StatusMetrics() {}

  @SuppressWarnings("unchecked")
  static String render(
      SparkSession spark, Map<String, Object> summary, List<Anomalies.Anomaly> open) {
    PrometheusText p = new PrometheusText();
    List<String> problems = (List<String>) summary.get("problems");
    p.family(
            "lakehouse_healthy", "gauge", "1 when lakehouse status finds nothing stale or failing.")
        .sample("lakehouse_healthy", problems.isEmpty() ? 1 : 0);
    p.family("lakehouse_problems", "gauge", "Problems lakehouse status found.")
        .sample("lakehouse_problems", problems.size());

    Map<String, Map<String, Object>> tables =
        (Map<String, Map<String, Object>>) summary.getOrDefault("tables", Map.of());
    p.family("lakehouse_table_rows", "gauge", "Rows of the table.");
    tables.forEach(
        (t, m) ->
            p.sample("lakehouse_table_rows", ((Number) m.get("rows")).doubleValue(), "table", t));
    p.family(
        "lakehouse_table_latest_event_timestamp_seconds",
        "gauge",
        "Unix time of the newest event the table holds.");
    tables.forEach(
        (t, m) -> {
          String ts = String.valueOf(m.get("latest_event_ts"));
          if (!ts.equals("null")) {
            p.sample(
                "lakehouse_table_latest_event_timestamp_seconds",
                Timestamp.valueOf(ts).getTime() / 1000.0,
                "table",
                t);
          }
        });

    Map<String, Map<String, Object>> jobs =
        (Map<String, Map<String, Object>>) summary.getOrDefault("jobs", Map.of());
    p.family("lakehouse_job_last_run_failed", "gauge", "1 when the job's last run failed.");
    jobs.forEach(
        (j, m) ->
            p.sample(
                "lakehouse_job_last_run_failed",
                "FAILED".equals(m.get("last_status")) ? 1 : 0,
                "job",
                j));
    p.family(
        "lakehouse_job_last_success_timestamp_seconds",
        "gauge",
        "Unix time the job's last successful run ended.");
    jobs.forEach(
        (j, m) -> {
          String ts = String.valueOf(m.get("last_success"));
          if (!ts.equals("null")) {
            p.sample(
                "lakehouse_job_last_success_timestamp_seconds",
                Timestamp.valueOf(ts).getTime() / 1000.0,
                "job",
                j);
          }
        });

    p.family(
        "lakehouse_stream_lag_messages",
        "gauge",
        "Messages Kafka holds that the stream has not processed (absent when Kafka is"
            + " unreachable).");
    Object lag = summary.get("stream_lag");
    if (lag instanceof Map<?, ?> perTopic) {
      perTopic.forEach(
          (topic, n) ->
              p.sample(
                  "lakehouse_stream_lag_messages",
                  ((Number) n).doubleValue(),
                  "stream",
                  "bronze",
                  "topic",
                  String.valueOf(topic)));
    }
    if (summary.get("fraud_lag") instanceof Number n) {
      p.sample(
          "lakehouse_stream_lag_messages",
          n.doubleValue(),
          "stream",
          "fraud",
          "topic",
          "transactions");
    }
    streamProgress(spark, p);
    fraudProgress(spark, p);

    p.family(
        "lakehouse_dq_failed_rows_last_day", "gauge", "Rows that failed a rule in the last day.");
    ((Map<String, Long>) summary.getOrDefault("dq_failures_last_day", Map.of()))
        .forEach((rule, n) -> p.sample("lakehouse_dq_failed_rows_last_day", n, "rule", rule));
    p.family("lakehouse_dead_letters_last_day", "gauge", "Dead letters ingested in the last day.")
        .sample(
            "lakehouse_dead_letters_last_day",
            ((Number) summary.getOrDefault("dead_letters_last_day", 0L)).doubleValue());
    p.family(
            "lakehouse_late_arrivals_outstanding", "gauge", "Late arrivals waiting for a backfill.")
        .sample(
            "lakehouse_late_arrivals_outstanding",
            ((Number) summary.getOrDefault("late_arrivals_outstanding", 0L)).doubleValue());
    p.family(
        "lakehouse_anomalies_open",
        "gauge",
        "Anomalies of the newest observed dates (anomaly.open-days), by severity.");
    for (String severity : List.of("warn", "error")) {
      p.sample(
          "lakehouse_anomalies_open",
          open.stream().filter(a -> a.severity().equals(severity)).count(),
          "severity",
          severity);
    }
    return p.toString();
  }

  /** The fraud stream's decisions in all, and its pace over the last hour it decided in. */
  private static void fraudProgress(SparkSession spark, PrometheusText p) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.FRAUD_DECISIONS))) {
      return;
    }
    Row r =
        spark
            .sql(
                "SELECT count(*), max(detected_ts), count_if(detected_ts > (SELECT max(detected_ts)"
                    + " - INTERVAL 1 HOUR FROM "
                    + Tables.FRAUD_DECISIONS
                    + ")) FROM "
                    + Tables.FRAUD_DECISIONS)
            .first();
    p.family(
            "lakehouse_stream_rows_total",
            "counter",
            "Rows a stream has processed (bronze: landed; fraud: transactions scored).")
        .sample("lakehouse_stream_rows_total", r.getLong(0), "stream", "fraud");
    if (!r.isNullAt(1)) {
      p.family(
              "lakehouse_stream_rows_per_second",
              "gauge",
              "Rows per second a stream processed (bronze: over its last 10 batches; fraud: over"
                  + " its last hour).")
          .sample("lakehouse_stream_rows_per_second", r.getLong(2) / 3600.0, "stream", "fraud");
    }
  }

  /** The bronze stream's totals and its pace over its last 10 batches. */
  private static void streamProgress(SparkSession spark, PrometheusText p) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.OPS_STREAM_BATCHES))) {
      return;
    }
    Row totals =
        spark
            .sql(
                "SELECT coalesce(sum(bronze_rows), 0), coalesce(sum(dead_letters), 0) FROM "
                    + Tables.OPS_STREAM_BATCHES)
            .first();
    p.family(
            "lakehouse_stream_rows_total",
            "counter",
            "Rows a stream has processed (bronze: landed; fraud: transactions scored).")
        .sample("lakehouse_stream_rows_total", totals.getLong(0), "stream", "bronze");
    p.family(
            "lakehouse_stream_dead_letters_total",
            "counter",
            "Messages the bronze stream sent to the dead letters.")
        .sample("lakehouse_stream_dead_letters_total", totals.getLong(1), "stream", "bronze");
    Row pace =
        spark
            .sql(
                "SELECT sum(rows), min(at), max(at), count(*) FROM (SELECT batch_id,"
                    + " sum(bronze_rows) AS rows, max(committed_at) AS at FROM "
                    + Tables.OPS_STREAM_BATCHES
                    + " GROUP BY query_id, batch_id ORDER BY at DESC LIMIT 10)")
            .first();
    if (!pace.isNullAt(1) && pace.getLong(3) > 1) {
      double seconds = (pace.getTimestamp(2).getTime() - pace.getTimestamp(1).getTime()) / 1000.0;
      if (seconds > 0) {
        p.family(
                "lakehouse_stream_rows_per_second",
                "gauge",
                "Rows per second a stream processed (bronze: over its last 10 batches; fraud: over"
                    + " its last hour).")
            .sample(
                "lakehouse_stream_rows_per_second", pace.getLong(0) / seconds, "stream", "bronze");
        p.family(
                "lakehouse_stream_batch_interval_seconds",
                "gauge",
                "Mean time between the bronze stream's last 10 batch commits.")
            .sample(
                "lakehouse_stream_batch_interval_seconds",
                seconds / (pace.getLong(3) - 1),
                "stream",
                "bronze");
      }
    }
  }
}
