package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The audit of a silver run's branch before it is published: every event date of the window
 * quarantined at most {@code dq.max-quarantine-ratio} of the messages read for it, and every silver
 * table the run wrote still has one row per key. A date is judged on its own, so a bad date fails
 * every run whose window holds it until it is repaired or consciously accepted, instead of being
 * published the next day diluted by good ones.
 */
final class SilverAudit {
  private SilverAudit() {}

  static List<String> problems(
      SparkSession spark,
      AuditBranch branch,
      SilverPlan.Inputs in,
      Dataset<Row> quarantined,
      long quarantinedRows,
      BigDecimal maxRatio,
      LocalDate windowStart,
      LocalDate windowEnd) {
    List<String> problems = new ArrayList<>();
    if (quarantinedRows > 0) {
      quarantineRatios(in, quarantined, maxRatio, problems);
    }

    // One row per key on every branch the run wrote (transactions: in the window it rewrote).
    Dataset<Row> duplicates = null;
    for (Topic topic : Topic.payments()) {
      String table = topic.silverTable();
      if (!branch.isOpen(table)) {
        continue;
      }
      Dataset<Row> rows = spark.table(Tables.qualified(branch.read(table)));
      if (topic == Topic.TRANSACTIONS) {
        rows =
            rows.filter(
                SilverMerges.windowPredicate(topic.eventTimeColumn(), windowStart, windowEnd));
      }
      Dataset<Row> d =
          rows.agg(count(lit(1)).minus(countDistinct(col(topic.keyField()))).as("extra"))
              .select(lit(table).as("t"), col("extra"));
      duplicates = duplicates == null ? d : duplicates.unionAll(d);
    }
    if (duplicates != null) {
      for (Row r : duplicates.filter(col("extra").gt(0)).collectAsList()) {
        problems.add(r.getString(0) + " would hold " + r.getLong(1) + " duplicate key(s)");
      }
    }
    return problems;
  }

  /** A problem for every date whose quarantined share of the messages read exceeds the limit. */
  private static void quarantineRatios(
      SilverPlan.Inputs in, Dataset<Row> quarantined, BigDecimal maxRatio, List<String> problems) {
    Map<LocalDate, long[]> byDate = new TreeMap<>(); // date -> {read, quarantined messages}
    Dataset<Row> read = null;
    for (Topic topic : Topic.payments()) {
      Dataset<Row> rows =
          switch (topic) {
            case TRANSACTIONS -> in.bronzeTransactions();
            case CUSTOMERS -> in.bronzeCustomers();
            case ACCOUNTS -> in.bronzeAccounts();
            case MERCHANTS -> in.bronzeMerchants();
            default -> throw new IllegalStateException(topic + " is not a payments topic");
          };
      Dataset<Row> dates = rows.select(to_date(col(topic.eventTimeColumn())).as("d"));
      read = read == null ? dates : read.unionAll(dates);
    }
    for (Row r : read.groupBy("d").agg(count(lit(1))).collectAsList()) {
      if (!r.isNullAt(0)) {
        byDate.computeIfAbsent(r.getDate(0).toLocalDate(), d -> new long[2])[0] = r.getLong(1);
      }
    }
    for (Row r :
        quarantined
            .groupBy("event_date")
            .agg(countDistinct(col("source_table"), col("kafka_partition"), col("kafka_offset")))
            .collectAsList()) {
      if (!r.isNullAt(0)) {
        byDate.computeIfAbsent(r.getDate(0).toLocalDate(), d -> new long[2])[1] = r.getLong(1);
      }
    }
    byDate.forEach(
        (date, n) -> {
          BigDecimal ratio =
              n[0] == 0
                  ? BigDecimal.ONE
                  : BigDecimal.valueOf(n[1]).divide(BigDecimal.valueOf(n[0]), 6, RoundingMode.UP);
          if (n[1] > 0 && ratio.compareTo(maxRatio) > 0) {
            problems.add(
                String.format(
                    "%s: %,d of %,d messages quarantined (%s), above %s=%s",
                    date,
                    n[1],
                    n[0],
                    ratio.toPlainString(),
                    Settings.DQ_MAX_QUARANTINE_RATIO,
                    maxRatio.toPlainString()));
          }
        });
  }
}
