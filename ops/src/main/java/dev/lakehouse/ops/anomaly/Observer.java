package dev.lakehouse.ops.anomaly;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.OpsTables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One observe run: the metrics of each target table for a range of partition dates, judged against
 * the tables' own history, written to {@code ops.table_metrics} (with each value's band) and {@code
 * ops.anomalies}. Running it again for the same dates replaces what it wrote for them, so a rerun
 * after a correction leaves one set of metrics and anomalies per date.
 */
public final class Observer {
  private static final Logger LOG = LoggerFactory.getLogger(Observer.class);

  /** What one run wrote: the metric values and the anomalies found. */
  public record Outcome(int metrics, List<Detector.Finding> findings, List<Long> anomalyIds) {}

  private Observer() {}

  public static Detector detector(LakehouseConfig config) {
    return new Detector(
        Check.parse(config.listValue(Settings.ANOMALY_CHECKS)),
        config.intValue(Settings.ANOMALY_TRAINING_DAYS),
        config.intValue(Settings.ANOMALY_MIN_POINTS),
        config.longValue(Settings.ANOMALY_MIN_ROWS));
  }

  public static Outcome observe(
      SparkSession spark,
      LakehouseConfig config,
      String runId,
      List<TableMetrics.Target> targets,
      LocalDate from,
      LocalDate to) {
    OpsTables.createIfMissing(spark);
    Detector detector = detector(config);
    int trainingDays = config.intValue(Settings.ANOMALY_TRAINING_DAYS);
    Instant now = Instant.now();
    int metrics = 0;
    List<Detector.Finding> findings = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (TableMetrics.Target target : targets) {
      List<MetricValue> current = TableMetrics.compute(spark, config, target, from, to, now);
      if (current.isEmpty()) {
        continue;
      }
      LocalDate trainingStart = from.minusDays(trainingDays);
      List<MetricValue> history = history(spark, target.table(), trainingStart, from);
      Set<Detector.Key> flagged = flagged(spark, target.table(), trainingStart, from);
      Detector.Result result = detector.detect(history, flagged, current);
      String where =
          " WHERE table_name = '"
              + target.table()
              + "' AND partition_date BETWEEN DATE '"
              + from
              + "' AND DATE '"
              + to
              + "'";
      spark.sql("DELETE FROM " + Tables.OPS_TABLE_METRICS + where);
      spark.sql("DELETE FROM " + Tables.OPS_ANOMALIES + where);
      Timestamp at = Timestamp.from(now);
      List<Row> rows = new ArrayList<>();
      for (MetricValue v : current) {
        Detector.Band band = result.bands().get(new Detector.Key(v.series(), v.date()));
        rows.add(
            RowFactory.create(
                runId,
                target.layer(),
                v.table(),
                Date.valueOf(v.date()),
                v.metric(),
                v.dimension(),
                decimal(v.value()),
                band == null ? null : decimal(band.low()),
                band == null ? null : decimal(band.high()),
                at));
      }
      append(spark, Tables.OPS_TABLE_METRICS, rows);
      long next = nextId(spark);
      List<Row> anomalies = new ArrayList<>();
      for (Detector.Finding f : result.findings()) {
        ids.add(next);
        anomalies.add(
            RowFactory.create(
                next++,
                runId,
                f.value().table(),
                Date.valueOf(f.value().date()),
                f.value().metric(),
                f.value().dimension(),
                f.check().strategy().name().toLowerCase(java.util.Locale.ROOT),
                decimal(f.value().value()),
                decimal(f.expected()),
                decimal(f.low()),
                decimal(f.high()),
                f.score(),
                f.severity(),
                f.trainingPoints(),
                f.detail(),
                at));
      }
      append(spark, Tables.OPS_ANOMALIES, anomalies);
      metrics += rows.size();
      findings.addAll(result.findings());
      LOG.info(
          "Observed {} for {}..{}: {} metric values, {} anomalies.",
          target.table(),
          from,
          to,
          rows.size(),
          result.findings().size());
    }
    return new Outcome(metrics, findings, ids);
  }

  private static List<MetricValue> history(
      SparkSession spark, String table, LocalDate from, LocalDate toExclusive) {
    List<MetricValue> values = new ArrayList<>();
    for (Row r :
        spark
            .sql(
                "SELECT partition_date, metric, dimension, CAST(value AS DOUBLE) FROM "
                    + Tables.OPS_TABLE_METRICS
                    + " WHERE table_name = '"
                    + table
                    + "' AND partition_date >= DATE '"
                    + from
                    + "' AND partition_date < DATE '"
                    + toExclusive
                    + "' AND value IS NOT NULL")
            .collectAsList()) {
      values.add(
          new MetricValue(
              table, r.getDate(0).toLocalDate(), r.getString(1), r.getString(2), r.getDouble(3)));
    }
    return values;
  }

  private static Set<Detector.Key> flagged(
      SparkSession spark, String table, LocalDate from, LocalDate toExclusive) {
    Set<Detector.Key> keys = new HashSet<>();
    for (Row r :
        spark
            .sql(
                "SELECT partition_date, metric, dimension FROM "
                    + Tables.OPS_ANOMALIES
                    + " WHERE table_name = '"
                    + table
                    + "' AND partition_date >= DATE '"
                    + from
                    + "' AND partition_date < DATE '"
                    + toExclusive
                    + "'")
            .collectAsList()) {
      keys.add(
          new Detector.Key(
              new MetricValue.Series(table, r.getString(1), r.getString(2)),
              r.getDate(0).toLocalDate()));
    }
    return keys;
  }

  private static long nextId(SparkSession spark) {
    Row r = spark.sql("SELECT max(anomaly_id) FROM " + Tables.OPS_ANOMALIES).first();
    return r.isNullAt(0) ? 1 : r.getLong(0) + 1;
  }

  private static void append(SparkSession spark, String table, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      spark
          .createDataFrame(rows, spark.table(Tables.qualified(table)).schema())
          .writeTo(Tables.qualified(table))
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(table + " vanished while observing: " + e.getMessage(), e);
    }
  }

  static BigDecimal decimal(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    return BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_UP);
  }
}
