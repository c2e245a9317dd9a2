package dev.lakehouse.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What each page shows, read from the marts: one method per JSON endpoint. Every query names its
 * mart under {@code marts.<mart>} (the stable views) and nothing else; optional marts (fraud,
 * trading, health) answer empty lists while they are not published.
 */
final class Dashboards {
  private final MartsDatabase db;
  private final Function<List<Map<String, Object>>, Map<String, Long>> liveLag;

  /**
   * @param liveLag given the health page's stream rows, the messages each topic-partition holds
   *     beyond them right now (keys {@code topic-partition}), or null when Kafka is unreachable
   */
  Dashboards(MartsDatabase db, Function<List<Map<String, Object>>, Map<String, Long>> liveLag) {
    this.db = db;
    this.liveLag = liveLag;
  }

  /** Business KPI trends: the months, transactions per type, customers per tier. */
  Map<String, Object> kpis() throws SQLException {
    try (Connection c = db.connect()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(
          "months",
          MartsDatabase.rows(
              c,
              "SELECT month_start, revenue_inr, volume_inr, txn_count, new_customers,"
                  + " active_customers, revenue_growth, volume_growth, txn_count_growth,"
                  + " new_customers_growth, active_customers_growth, is_partial_month"
                  + " FROM marts.monthly_kpis ORDER BY month_start"));
      m.put(
          "by_type",
          MartsDatabase.rows(
              c,
              "SELECT month_start, txn_type, txn_count, volume_inr"
                  + " FROM marts.monthly_transaction_trend ORDER BY month_start, txn_type"));
      m.put(
          "by_tier",
          MartsDatabase.rows(
              c,
              "SELECT month_start, tier, customer_count FROM marts.customers_per_tier"
                  + " ORDER BY month_start, tier"));
      return m;
    }
  }

  /** Accounts whose id starts with the text (at most 20), with the months gold has for them. */
  List<Map<String, Object>> accounts(String prefix) throws SQLException {
    try (Connection c = db.connect()) {
      return MartsDatabase.rows(
          c,
          "SELECT account_id, customer_id, array_agg(to_char(month_start, 'YYYY-MM') ORDER BY"
              + " month_start) AS months FROM marts.monthly_statement"
              + " WHERE account_id LIKE ? GROUP BY account_id, customer_id ORDER BY account_id"
              + " LIMIT 20",
          likePrefix(prefix));
    }
  }

  /** The text as a LIKE prefix, its wildcards taken literally. */
  static String likePrefix(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  java.util.Optional<Statement> statement(String account, YearMonth month) throws SQLException {
    try (Connection c = db.connect()) {
      return Statement.load(c, account, month);
    }
  }

  /**
   * Advisor lists for a month (the latest when null): customers in the red for 3+ months and
   * high-activity customers, with their masked names from the current customer version.
   */
  Map<String, Object> advisors(LocalDate month) throws SQLException {
    try (Connection c = db.connect()) {
      List<Map<String, Object>> months =
          MartsDatabase.rows(
              c,
              "SELECT DISTINCT as_of_month FROM (SELECT as_of_month FROM marts.customers_in_red"
                  + " UNION SELECT as_of_month FROM marts.high_activity_customers) m"
                  + " ORDER BY as_of_month DESC");
      Map<String, Object> m = new LinkedHashMap<>();
      List<String> available = months.stream().map(r -> (String) r.get("as_of_month")).toList();
      m.put("months", available);
      String chosen =
          month != null ? month.toString() : available.isEmpty() ? null : available.get(0);
      m.put("month", chosen);
      if (chosen == null) {
        m.put("in_red", List.of());
        m.put("high_activity", List.of());
        return m;
      }
      java.sql.Date d = java.sql.Date.valueOf(chosen);
      String names =
          " LEFT JOIN (SELECT customer_id, max(full_name_masked) AS name_masked,"
              + " max(city) AS city FROM marts.dim_customer WHERE is_current GROUP BY 1) cust"
              + " USING (customer_id)";
      m.put(
          "in_red",
          MartsDatabase.rows(
              c,
              "SELECT customer_id, cust.name_masked, cust.city, streak_months,"
                  + " month_end_balance_inr FROM marts.customers_in_red"
                  + names
                  + " WHERE as_of_month = ? ORDER BY streak_months DESC, month_end_balance_inr",
              d));
      m.put(
          "high_activity",
          MartsDatabase.rows(
              c,
              "SELECT customer_id, cust.name_masked, cust.city, streak_months, withdrawals_inr,"
                  + " loans_inr, investments_inr FROM marts.high_activity_customers"
                  + names
                  + " WHERE as_of_month = ? ORDER BY streak_months DESC, customer_id",
              d));
      return m;
    }
  }

  /** Pipeline health as the last export saw it, with the stream's lag behind Kafka right now. */
  Map<String, Object> health() throws SQLException {
    try (Connection c = db.connect()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(
          "freshness",
          optional(
              c,
              "health_freshness",
              "SELECT layer, table_name, latest_event_ts, last_written_at, row_count"
                  + " FROM marts.health_freshness ORDER BY CASE layer WHEN 'bronze' THEN 1"
                  + " WHEN 'silver' THEN 2 ELSE 3 END"));
      m.put(
          "runs",
          optional(
              c,
              "health_runs",
              "SELECT job, mode, business_date, status, started_at, ended_at, rows_read,"
                  + " rows_inserted, rows_updated, rows_quarantined, error FROM marts.health_runs"
                  + " ORDER BY ended_at DESC NULLS LAST LIMIT 25"));
      m.put(
          "dq_failures",
          optional(
              c,
              "health_dq_failures",
              "SELECT table_name, rule, severity, sum(rows_failed) AS rows_failed,"
                  + " max(checked_at) AS last_checked_at, count(*) AS runs"
                  + " FROM marts.health_dq_failures GROUP BY 1, 2, 3"
                  + " ORDER BY last_checked_at DESC, rows_failed DESC LIMIT 50"));
      m.put(
          "dead_letters",
          optional(
              c,
              "health_dead_letters",
              "SELECT kafka_topic, reason_code, sum(dead_letters) AS dead_letters,"
                  + " sum(replayed) AS replayed, max(ingested_date) AS last_day"
                  + " FROM marts.health_dead_letters GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"));
      m.put(
          "late_arrivals",
          optional(
              c,
              "health_late_arrivals",
              "SELECT source_table, event_date, arrivals, outstanding, max_days_late,"
                  + " last_arrived_at FROM marts.health_late_arrivals"
                  + " ORDER BY event_date DESC, source_table LIMIT 50"));
      List<Map<String, Object>> stream =
          optional(
              c,
              "health_stream",
              "SELECT kafka_topic, kafka_partition, last_offset, consumed, bronze_rows,"
                  + " dead_letters, batches, last_batch_at FROM marts.health_stream"
                  + " ORDER BY kafka_topic, kafka_partition");
      Map<String, Long> lag = liveLag.apply(stream);
      for (Map<String, Object> r : stream) {
        r.put(
            "lag",
            lag == null ? null : lag.get(r.get("kafka_topic") + "-" + r.get("kafka_partition")));
      }
      m.put("kafka_reachable", lag != null);
      m.put("stream", stream);
      List<Map<String, Object>> manifest =
          MartsDatabase.rows(
              c,
              "SELECT mart, run_id, row_count, checksum, gold_snapshot_id, exported_at"
                  + " FROM marts.export_manifest WHERE run_id = (SELECT run_id FROM"
                  + " marts.export_manifest ORDER BY exported_at DESC LIMIT 1) ORDER BY mart");
      Map<String, Object> export = new LinkedHashMap<>();
      export.put("run_id", manifest.isEmpty() ? null : manifest.get(0).get("run_id"));
      export.put("exported_at", manifest.isEmpty() ? null : manifest.get(0).get("exported_at"));
      export.put("marts", manifest);
      m.put("last_export", export);
      List<Map<String, Object>> anomalies =
          optional(
              c,
              "health_anomalies",
              "SELECT anomaly_id, table_name, partition_date, metric, dimension, strategy,"
                  + " observed, expected_low, expected_high, severity, detail"
                  + " FROM marts.health_anomalies ORDER BY partition_date DESC,"
                  + " CASE severity WHEN 'error' THEN 0 ELSE 1 END, anomaly_id LIMIT 50");
      m.put("anomalies", anomalies);
      // The history and band of the series of the latest anomalies, for a small chart each.
      List<Map<String, Object>> charts = new ArrayList<>();
      if (db.hasMart(c, "health_metrics")) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Map<String, Object> a : anomalies) {
          String key = a.get("table_name") + "|" + a.get("metric") + "|" + a.get("dimension");
          if (charts.size() == 6 || !seen.add(key)) {
            continue;
          }
          List<Map<String, Object>> points =
              MartsDatabase.rows(
                  c,
                  "SELECT partition_date, value, expected_low, expected_high FROM"
                      + " marts.health_metrics WHERE table_name = ? AND metric = ? AND dimension"
                      + " = ? ORDER BY partition_date DESC LIMIT 60",
                  a.get("table_name"),
                  a.get("metric"),
                  a.get("dimension"));
          if (points.isEmpty()) {
            continue; // a mix (PSI) has no single series
          }
          java.util.Collections.reverse(points);
          Map<String, Object> chart = new LinkedHashMap<>();
          chart.put("anomaly_id", a.get("anomaly_id"));
          chart.put(
              "title",
              a.get("metric")
                  + ("".equals(a.get("dimension")) ? "" : " (" + a.get("dimension") + ")")
                  + " of "
                  + a.get("table_name"));
          chart.put("points", points);
          charts.add(chart);
        }
      }
      m.put("anomaly_charts", charts);
      return m;
    }
  }

  /**
   * The health in Prometheus' text format, for the monitoring people already run: what the last
   * export saw, the anomalies, and the stream's lag right now.
   */
  String metrics() throws SQLException {
    Map<String, Object> h = health();
    dev.lakehouse.common.PrometheusText p = new dev.lakehouse.common.PrometheusText();
    p.family("lakehouse_table_rows", "gauge", "Rows of the layer's transactions table.");
    p.family(
        "lakehouse_table_latest_event_timestamp_seconds",
        "gauge",
        "Unix time of the newest event of the layer's transactions table.");
    for (Map<String, Object> r : rows(h, "freshness")) {
      String layer = (String) r.get("layer");
      String table = (String) r.get("table_name");
      p.sample("lakehouse_table_rows", number(r.get("row_count")), "layer", layer, "table", table);
      if (r.get("latest_event_ts") != null) {
        p.sample(
            "lakehouse_table_latest_event_timestamp_seconds",
            java.time.Instant.parse((String) r.get("latest_event_ts")).getEpochSecond(),
            "layer",
            layer,
            "table",
            table);
      }
    }
    p.family("lakehouse_job_last_run_failed", "gauge", "1 when the job's latest run failed.");
    java.util.Set<String> jobs = new java.util.HashSet<>();
    for (Map<String, Object> r : rows(h, "runs")) {
      if (jobs.add((String) r.get("job"))) {
        p.sample(
            "lakehouse_job_last_run_failed",
            "FAILED".equals(r.get("status")) ? 1 : 0,
            "job",
            (String) r.get("job"));
      }
    }
    p.family("lakehouse_dead_letters_total", "counter", "Dead letters by topic and reason code.");
    for (Map<String, Object> r : rows(h, "dead_letters")) {
      p.sample(
          "lakehouse_dead_letters_total",
          number(r.get("dead_letters")),
          "topic",
          (String) r.get("kafka_topic"),
          "reason",
          String.valueOf(r.get("reason_code")));
    }
    double outstanding = 0;
    for (Map<String, Object> r : rows(h, "late_arrivals")) {
      outstanding += number(r.get("outstanding"));
    }
    p.family(
            "lakehouse_late_arrivals_outstanding",
            "gauge",
            "Late arrivals waiting for a backfill (of the 50 newest event dates).")
        .sample("lakehouse_late_arrivals_outstanding", outstanding);
    p.family(
        "lakehouse_stream_lag_messages",
        "gauge",
        "Messages Kafka holds beyond what bronze landed (absent when Kafka is unreachable).");
    for (Map<String, Object> r : rows(h, "stream")) {
      if (r.get("lag") != null) {
        p.sample(
            "lakehouse_stream_lag_messages",
            number(r.get("lag")),
            "stream",
            "bronze",
            "topic",
            (String) r.get("kafka_topic"),
            "partition",
            String.valueOf(r.get("kafka_partition")));
      }
    }
    p.family("lakehouse_anomalies", "gauge", "Anomalies of the newest observed date, by severity.");
    List<Map<String, Object>> anomalies = rows(h, "anomalies");
    String newest = anomalies.isEmpty() ? null : (String) anomalies.get(0).get("partition_date");
    for (String severity : List.of("warn", "error")) {
      p.sample(
          "lakehouse_anomalies",
          anomalies.stream()
              .filter(a -> a.get("partition_date").equals(newest))
              .filter(a -> severity.equals(a.get("severity")))
              .count(),
          "severity",
          severity);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> export = (Map<String, Object>) h.get("last_export");
    if (export.get("exported_at") != null) {
      p.family(
              "lakehouse_export_last_timestamp_seconds",
              "gauge",
              "Unix time of the last export that published something.")
          .sample(
              "lakehouse_export_last_timestamp_seconds",
              java.time.Instant.parse((String) export.get("exported_at")).getEpochSecond());
    }
    return p.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Map<String, Object> h, String key) {
    return (List<Map<String, Object>>) h.get(key);
  }

  private static double number(Object v) {
    return v == null ? 0 : ((Number) v).doubleValue();
  }

  /** Fraud alerts: per day and rule, and the latest 100. */
  Map<String, Object> fraud() throws SQLException {
    try (Connection c = db.connect()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(
          "by_day",
          optional(
              c,
              "fraud_alerts",
              "SELECT (event_ts AT TIME ZONE 'UTC')::date AS day, rule, count(*) AS alerts,"
                  + " sum(amount_inr) AS amount_inr FROM marts.fraud_alerts"
                  + " GROUP BY 1, 2 ORDER BY 1, 2"));
      m.put(
          "recent",
          optional(
              c,
              "fraud_alerts",
              "SELECT alert_id, rule, score, transaction_id, customer_id, account_id, txn_type,"
                  + " amount_inr, event_ts, detected_ts, reason FROM marts.fraud_alerts"
                  + " ORDER BY event_ts DESC, alert_id LIMIT 100"));
      return m;
    }
  }

  /** Stocks on their latest trading day, and each sector's daily return and breadth. */
  Map<String, Object> markets() throws SQLException {
    try (Connection c = db.connect()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(
          "stocks",
          optional(
              c,
              "mart_stock_performance",
              "SELECT p.symbol, s.name, s.sector, p.trade_date, p.close, p.return_1d, p.return_1w,"
                  + " p.return_1m, p.return_ytd, p.volatility_20d, p.ma_20, p.vwap, p.volume"
                  + " FROM marts.mart_stock_performance p"
                  + " LEFT JOIN marts.dim_stock s ON s.symbol = p.symbol AND s.is_current"
                  + " WHERE p.trade_date = (SELECT max(trade_date) FROM"
                  + " marts.mart_stock_performance) ORDER BY p.symbol"));
      m.put(
          "sectors",
          optional(
              c,
              "mart_sector_performance",
              "SELECT trade_date, sector, stocks, equal_weighted_return_1d, advancers, decliners,"
                  + " breadth FROM marts.mart_sector_performance ORDER BY trade_date, sector"));
      return m;
    }
  }

  private List<Map<String, Object>> optional(Connection c, String mart, String sql)
      throws SQLException {
    return db.hasMart(c, mart) ? MartsDatabase.rows(c, sql) : new ArrayList<>();
  }
}
