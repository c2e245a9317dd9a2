package dev.lakehouse.ops.anomaly;

import dev.lakehouse.common.FixedInrRates;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * The metrics of one table per partition (event) date, computed in one aggregation over the dates
 * asked for: row count, null rate of every column, distinct keys, the money column's mean, median,
 * 99th percentile and sum, and the share of each value of the categorical columns ({@code
 * txn_type}, {@code channel}, {@code currency}, {@code status}); the freshness of the newest date
 * (hours from its newest event to now); for silver the quarantine ratio and for bronze the
 * dead-letter ratio, each one more aggregation over its own table.
 */
public final class TableMetrics {
  /** A table whose metrics are kept. */
  public record Target(String layer, String table) {}

  /** The transactions of each layer. */
  public static final List<Target> TARGETS =
      List.of(
          new Target("bronze", Tables.BRONZE_TRANSACTIONS),
          new Target("silver", Tables.SILVER_TRANSACTIONS),
          new Target("gold", Tables.GOLD_FCT_TRANSACTIONS));

  private static final String KEY = Topic.TRANSACTIONS.keyField();
  private static final String TIME = Topic.TRANSACTIONS.eventTimeColumn();
  private static final Set<String> SKIPPED =
      Set.of("kafka_topic", "kafka_partition", "kafka_offset", "kafka_ts", "kafka_key", "row_hash");

  private TableMetrics() {}

  /** The categorical columns and the values whose shares are measured. */
  static Map<String, List<String>> categories(LakehouseConfig config) {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("txn_type", names(Vocabulary.TxnType.values()));
    c.put("channel", names(Vocabulary.Channel.values()));
    c.put("status", names(Vocabulary.TxnStatus.values()));
    c.put("currency", List.copyOf(FixedInrRates.parse(config.get(Settings.FX_INR_RATES)).keySet()));
    return c;
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  /** The metrics of {@code target} for the event dates {@code from..to}; none if it is missing. */
  public static List<MetricValue> compute(
      SparkSession spark,
      LakehouseConfig config,
      Target target,
      LocalDate from,
      LocalDate to,
      Instant now) {
    String table = target.table();
    if (!spark.catalog().tableExists(Tables.qualified(table))) {
      return List.of();
    }
    StructField[] fields = spark.table(Tables.qualified(table)).schema().fields();
    List<String> columns = new ArrayList<>();
    String money = null;
    for (StructField f : fields) {
      if (SKIPPED.contains(f.name())) {
        continue;
      }
      columns.add(f.name());
      if (f.dataType() instanceof DecimalType
          && (f.name().equals("amount_inr") || (money == null && f.name().equals("amount")))) {
        money = f.name();
      }
    }
    Map<String, List<String>> categories = new LinkedHashMap<>(categories(config));
    categories.keySet().retainAll(columns);

    List<String> select = new ArrayList<>();
    select.add("to_date(" + TIME + ") AS d");
    select.add("count(*) AS n");
    select.add("max(" + TIME + ") AS newest");
    for (int i = 0; i < columns.size(); i++) {
      select.add("count_if(" + columns.get(i) + " IS NULL) AS null_" + i);
    }
    if (money != null) {
      select.add("CAST(avg(" + money + ") AS DOUBLE) AS mean");
      select.add("percentile_approx(" + money + ", array(0.5, 0.99), 10000) AS pct");
      select.add("CAST(sum(" + money + ") AS DOUBLE) AS total");
    }
    List<String> shareNames = new ArrayList<>();
    for (Map.Entry<String, List<String>> c : categories.entrySet()) {
      for (String value : c.getValue()) {
        select.add("count_if(" + c.getKey() + " = '" + value + "') AS share_" + shareNames.size());
        shareNames.add(c.getKey() + "=" + value);
      }
    }
    String where =
        " FROM "
            + table
            + " WHERE "
            + TIME
            + " >= TIMESTAMP '"
            + from
            + " 00:00:00' AND "
            + TIME
            + " < TIMESTAMP '"
            + to.plusDays(1)
            + " 00:00:00' GROUP BY 1";
    List<Row> rows = spark.sql("SELECT " + String.join(", ", select) + where).collectAsList();
    // Distinct keys in an aggregation of their own: beside the others, a DISTINCT makes Spark
    // expand every row of every column and aggregate twice (three times the CPU of both apart).
    Map<LocalDate, Long> distinctKeys =
        perDate(spark, "SELECT to_date(" + TIME + "), count(DISTINCT " + KEY + ")" + where);
    Map<LocalDate, Long> quarantined =
        target.layer().equals("silver") ? quarantined(spark, from, to) : Map.of();
    Map<LocalDate, Long> deadLetters =
        target.layer().equals("bronze") ? deadLetters(spark, from, to) : Map.of();

    List<MetricValue> out = new ArrayList<>();
    for (Row r : rows) {
      LocalDate d = r.getDate(0).toLocalDate();
      double n = r.getLong(1);
      out.add(new MetricValue(table, d, "row_count", "", n));
      out.add(new MetricValue(table, d, "distinct_keys", KEY, distinctKeys.getOrDefault(d, 0L)));
      if (d.equals(to)) {
        Instant newest = r.getTimestamp(2).toInstant();
        out.add(
            new MetricValue(
                table, d, "freshness_hours", "", Duration.between(newest, now).toMinutes() / 60.0));
      }
      int at = 3;
      for (String column : columns) {
        out.add(new MetricValue(table, d, "null_rate", column, r.getLong(at++) / n));
      }
      if (money != null) {
        out.add(new MetricValue(table, d, "mean", money, r.getDouble(at++)));
        List<Object> pct = r.getList(at++);
        out.add(new MetricValue(table, d, "p50", money, ((Number) pct.get(0)).doubleValue()));
        out.add(new MetricValue(table, d, "p99", money, ((Number) pct.get(1)).doubleValue()));
        out.add(new MetricValue(table, d, "sum", money, r.getDouble(at++)));
      }
      for (String share : shareNames) {
        out.add(new MetricValue(table, d, "share", share, r.getLong(at++) / n));
      }
      if (target.layer().equals("silver")) {
        long q = quarantined.getOrDefault(d, 0L);
        out.add(new MetricValue(table, d, "quarantine_ratio", "", q / (n + q)));
      }
      if (target.layer().equals("bronze")) {
        long dl = deadLetters.getOrDefault(d, 0L);
        out.add(new MetricValue(table, d, "dead_letter_ratio", "", dl / (n + dl)));
      }
    }
    return out;
  }

  /** Quarantined transactions per event date. */
  private static Map<LocalDate, Long> quarantined(
      SparkSession spark, LocalDate from, LocalDate to) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.SILVER_QUARANTINE))) {
      return Map.of();
    }
    return perDate(
        spark,
        "SELECT event_date, count(*) FROM "
            + Tables.SILVER_QUARANTINE
            + " WHERE source_table = '"
            + Tables.BRONZE_TRANSACTIONS
            + "' AND event_date BETWEEN DATE '"
            + from
            + "' AND DATE '"
            + to
            + "' GROUP BY 1");
  }

  /**
   * Dead letters of the transactions topic per day of ingestion (a message that broke the contract
   * may have no event date), against the bronze rows of the same event date.
   */
  private static Map<LocalDate, Long> deadLetters(
      SparkSession spark, LocalDate from, LocalDate to) {
    if (!spark.catalog().tableExists(Tables.qualified(Tables.BRONZE_DEAD_LETTERS))) {
      return Map.of();
    }
    return perDate(
        spark,
        "SELECT to_date(ingested_at), count(*) FROM "
            + Tables.BRONZE_DEAD_LETTERS
            + " WHERE kafka_topic = '"
            + Topic.TRANSACTIONS.topicName()
            + "' AND to_date(ingested_at) BETWEEN DATE '"
            + from
            + "' AND DATE '"
            + to
            + "' GROUP BY 1");
  }

  private static Map<LocalDate, Long> perDate(SparkSession spark, String sql) {
    Map<LocalDate, Long> m = new LinkedHashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      m.put(r.getDate(0).toLocalDate(), r.getLong(1));
    }
    return m;
  }
}
