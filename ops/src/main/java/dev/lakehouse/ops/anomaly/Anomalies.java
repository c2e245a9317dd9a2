package dev.lakehouse.ops.anomaly;

import dev.lakehouse.common.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reading {@code ops.anomalies}: the open ones, those of some dates, one explained in sentences.
 */
public final class Anomalies {
  /** One recorded anomaly. */
  public record Anomaly(
      long id,
      String table,
      LocalDate date,
      String metric,
      String dimension,
      String strategy,
      Double observed,
      Double expected,
      Double low,
      Double high,
      double score,
      String severity,
      int trainingPoints,
      String detail,
      String runId) {

    public String series() {
      return new MetricValue.Series(table, metric, dimension).toString();
    }
  }

  private static final String COLUMNS =
      "anomaly_id, table_name, partition_date, metric, dimension, strategy, CAST(observed AS"
          + " DOUBLE), CAST(expected AS DOUBLE), CAST(expected_low AS DOUBLE), CAST(expected_high"
          + " AS DOUBLE), score, severity, training_points, detail, run_id";

  private Anomalies() {}

  private static boolean exists(SparkSession spark) {
    return spark.catalog().tableExists(Tables.qualified(Tables.OPS_ANOMALIES))
        && spark.catalog().tableExists(Tables.qualified(Tables.OPS_TABLE_METRICS));
  }

  /**
   * The anomalies of the newest {@code openDays} observed dates (per table), the most severe first.
   */
  public static List<Anomaly> open(SparkSession spark, int openDays) {
    if (!exists(spark)) {
      return List.of();
    }
    return query(
        spark,
        "SELECT "
            + COLUMNS
            + " FROM "
            + Tables.OPS_ANOMALIES
            + " a WHERE partition_date > (SELECT date_sub(max(partition_date), "
            + openDays
            + ") FROM "
            + Tables.OPS_TABLE_METRICS
            + " m WHERE m.table_name = a.table_name)"
            + " ORDER BY CASE severity WHEN 'error' THEN 0 ELSE 1 END, partition_date DESC,"
            + " anomaly_id");
  }

  /** The anomalies of the partition dates {@code from..to}. */
  public static List<Anomaly> between(SparkSession spark, LocalDate from, LocalDate to) {
    if (!exists(spark)) {
      return List.of();
    }
    return query(
        spark,
        "SELECT "
            + COLUMNS
            + " FROM "
            + Tables.OPS_ANOMALIES
            + " WHERE partition_date BETWEEN DATE '"
            + from
            + "' AND DATE '"
            + to
            + "' ORDER BY partition_date, anomaly_id");
  }

  public static Optional<Anomaly> byId(SparkSession spark, long id) {
    if (!exists(spark)) {
      return Optional.empty();
    }
    return query(
            spark,
            "SELECT " + COLUMNS + " FROM " + Tables.OPS_ANOMALIES + " WHERE anomaly_id = " + id)
        .stream()
        .findFirst();
  }

  private static List<Anomaly> query(SparkSession spark, String sql) {
    List<Anomaly> out = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      out.add(
          new Anomaly(
              r.getLong(0),
              r.getString(1),
              r.getDate(2).toLocalDate(),
              r.getString(3),
              r.getString(4),
              r.getString(5),
              r.isNullAt(6) ? null : r.getDouble(6),
              r.isNullAt(7) ? null : r.getDouble(7),
              r.isNullAt(8) ? null : r.getDouble(8),
              r.isNullAt(9) ? null : r.getDouble(9),
              r.getDouble(10),
              r.getString(11),
              r.getInt(12),
              r.getString(13),
              r.getString(14)));
    }
    return out;
  }

  /**
   * The evidence of one anomaly in plain sentences: which metric, how far outside its usual range
   * and by which check, since when it has been outside, and which other metrics of the same
   * partition moved most against their own last four weeks.
   */
  public static List<String> explain(SparkSession spark, Anomaly a) {
    List<String> lines = new ArrayList<>();
    String day = a.date() + " (" + Detector.weekday(a.date()) + ")";
    switch (a.strategy()) {
      case "psi" ->
          lines.add(
              String.format(
                  Locale.ROOT,
                  "Anomaly %d (%s): on %s the mix of %s in %s moved: its population stability"
                      + " index against the mean of %d earlier days is %.3f, above the limit %.2f"
                      + " (%s from %.2f).",
                  a.id(),
                  a.severity(),
                  day,
                  a.dimension(),
                  a.table(),
                  a.trainingPoints(),
                  a.score(),
                  a.high(),
                  a.severity().equals("error") ? "an error" : "a warning",
                  a.severity().equals("error") ? a.high() * 2.5 : a.high()));
      case "rate_of_change" ->
          lines.add(
              String.format(
                  Locale.ROOT,
                  "Anomaly %d (%s): on %s %s was %s, %.2f times its recent level of %s (the median"
                      + " of the %d normal days before); the allowed range was %s to %s.",
                  a.id(),
                  a.severity(),
                  day,
                  a.series(),
                  Detector.number(a.observed()),
                  a.score(),
                  Detector.number(a.expected()),
                  a.trainingPoints(),
                  Detector.number(a.low()),
                  Detector.number(a.high())));
      default ->
          lines.add(
              String.format(
                  Locale.ROOT,
                  "Anomaly %d (%s): on %s %s was %s, outside its usual range of %s to %s learnt"
                      + " from %d earlier days (mean %s): %s, %.1f standard deviations.",
                  a.id(),
                  a.severity(),
                  day,
                  a.series(),
                  Detector.number(a.observed()),
                  Detector.number(a.low()),
                  Detector.number(a.high()),
                  a.trainingPoints(),
                  Detector.number(a.expected()),
                  a.expected() == 0
                      ? (a.observed() < 0 ? "below" : "above") + " a usual 0"
                      : String.format(
                          Locale.ROOT,
                          "%.0f%% %s the mean",
                          Math.abs(a.observed() - a.expected()) / Math.abs(a.expected()) * 100,
                          a.observed() < a.expected() ? "below" : "above"),
                  Math.abs(a.score())));
    }
    lines.add(since(spark, a));
    List<String> movers = movers(spark, a);
    if (!movers.isEmpty()) {
      lines.add(
          "On that day, against their own last four weeks, these moved most in "
              + a.table()
              + ": "
              + String.join("; ", movers)
              + ".");
    }
    lines.add(
        "Recorded by observe run "
            + a.runId()
            + "; the check was "
            + a.strategy()
            + " (anomaly.checks). See its history with: lakehouse sql \"SELECT partition_date,"
            + " value, expected_low, expected_high FROM ops.table_metrics WHERE table_name = '"
            + a.table()
            + "' AND metric = '"
            + a.metric()
            + "' AND dimension = '"
            + a.dimension()
            + "' ORDER BY 1\"");
    return lines;
  }

  /** Since when the same series has been anomalous without a normal day in between. */
  private static String since(SparkSession spark, Anomaly a) {
    List<LocalDate> flagged = new ArrayList<>();
    for (Row r :
        spark
            .sql(
                "SELECT DISTINCT partition_date FROM "
                    + Tables.OPS_ANOMALIES
                    + " WHERE table_name = '"
                    + a.table()
                    + "' AND metric = '"
                    + a.metric()
                    + "' AND dimension = '"
                    + a.dimension()
                    + "' AND partition_date <= DATE '"
                    + a.date()
                    + "' ORDER BY 1 DESC")
            .collectAsList()) {
      flagged.add(r.getDate(0).toLocalDate());
    }
    LocalDate first = a.date();
    for (LocalDate d : flagged) {
      if (d.equals(first) || d.equals(first.minusDays(1))) {
        first = d;
      } else if (d.isBefore(first)) {
        break;
      }
    }
    if (first.equals(a.date())) {
      return "It is the first day outside its range: the day before was normal or not observed.";
    }
    return "It has been outside its range every day since "
        + first
        + " ("
        + (a.date().toEpochDay() - first.toEpochDay() + 1)
        + " days).";
  }

  /** The null rates and shares of the day that moved most against their previous 28 days. */
  private static List<String> movers(SparkSession spark, Anomaly a) {
    Map<String, double[]> change = new LinkedHashMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT metric, dimension, max(CASE WHEN partition_date = DATE '"
                    + a.date()
                    + "' THEN CAST(value AS DOUBLE) END), avg(CASE WHEN partition_date < DATE '"
                    + a.date()
                    + "' THEN CAST(value AS DOUBLE) END) FROM "
                    + Tables.OPS_TABLE_METRICS
                    + " WHERE table_name = '"
                    + a.table()
                    + "' AND metric IN ('null_rate', 'share') AND partition_date BETWEEN DATE '"
                    + a.date().minusDays(28)
                    + "' AND DATE '"
                    + a.date()
                    + "' GROUP BY 1, 2")
            .collectAsList()) {
      if (!r.isNullAt(2) && !r.isNullAt(3)) {
        change.put(
            r.getString(0) + " " + r.getString(1), new double[] {r.getDouble(2), r.getDouble(3)});
      }
    }
    return change.entrySet().stream()
        .filter(e -> Math.abs(e.getValue()[0] - e.getValue()[1]) >= 0.01)
        .sorted(
            Comparator.comparingDouble(
                (Map.Entry<String, double[]> e) -> -Math.abs(e.getValue()[0] - e.getValue()[1])))
        .limit(3)
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s %.1f%% (usually %.1f%%)",
                    e.getKey().startsWith("null_rate")
                        ? "nulls in " + e.getKey().substring("null_rate ".length())
                        : "share of " + e.getKey().substring("share ".length()),
                    e.getValue()[0] * 100,
                    e.getValue()[1] * 100))
        .toList();
  }
}
