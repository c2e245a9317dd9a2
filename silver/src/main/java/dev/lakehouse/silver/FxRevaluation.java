package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_date;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Revalues the silver transactions whose rate changed since the last published silver run: a new
 * dated rate, a corrected one, or a changed {@code fx.inr-rates}. Only the changed currencies and
 * dates are read and rewritten (their dates are literals), on the run's audit branch, so gold sees
 * those partitions change and rebuilds those dates.
 */
final class FxRevaluation {
  /** What a run revalued: the ranges whose rate changed, the rows rewritten and their dates. */
  record Result(
      List<FxRates.Change> changes, long revalued, long unpriced, SortedSet<LocalDate> dates) {
    static final Result NONE = new Result(List.of(), 0, 0, new TreeSet<>());

    String describe() {
      if (changes.isEmpty()) {
        return null;
      }
      String text =
          "FX rates changed ("
              + String.join("; ", changes.stream().map(Object::toString).toList())
              + "): revalued "
              + revalued
              + " transaction(s)"
              + (dates.isEmpty()
                  ? ""
                  : " on " + dates.size() + " date(s), " + dates.first() + " to " + dates.last());
      if (unpriced > 0) {
        text += "; " + unpriced + " transaction(s) have no rate now and keep their old one";
      }
      return text + ".";
    }
  }

  private FxRevaluation() {}

  /** The SQL predicate (over {@code currency} and {@code event_ts}) of the changed ranges. */
  static String predicate(List<FxRates.Change> changes) {
    List<String> terms = new ArrayList<>();
    for (FxRates.Change c : changes) {
      String term = "(currency = '" + c.currency() + "'";
      if (c.from() != null) {
        term += " AND event_ts >= TIMESTAMP '" + SilverMerges.startLiteral(c.from()) + "'";
      }
      if (c.until() != null) {
        term += " AND event_ts < TIMESTAMP '" + SilverMerges.startLiteral(c.until()) + "'";
      }
      terms.add(term + ")");
    }
    return String.join(" OR ", terms);
  }

  /**
   * Rewrites, on the branch, the transactions of the changed ranges whose rate is now different.
   */
  static Result apply(
      SparkSession spark, AuditBranch branch, FxRates now, List<FxRates.Change> changes) {
    if (changes.isEmpty()) {
      return Result.NONE;
    }
    String table = Tables.SILVER_TRANSACTIONS;
    String where = predicate(changes);
    Dataset<Row> rows = spark.table(Tables.qualified(branch.read(table))).filter(expr(where));
    List<String> columns = List.of(rows.columns());
    Dataset<Row> priced =
        now.withRate(rows, "event_ts", "_new_rate").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long unpriced = priced.filter(col("_new_rate").isNull()).count();
      Dataset<Row> changed =
          priced
              // A row without a rate yet (txn_known_currency made a warning) gets one too.
              .filter(
                  col("_new_rate")
                      .isNotNull()
                      .and(not(col("_new_rate").eqNullSafe(col("fx_rate")))))
              .withColumn("fx_rate", col("_new_rate"))
              .withColumn("amount_inr", expr("CAST(round(amount * fx_rate, 2) AS DECIMAL(18,2))"))
              .drop("_new_rate", "row_hash");
      Dataset<Row> source =
          LakehouseSpark.withRowHash(changed)
              .selectExpr(columns.toArray(String[]::new))
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long revalued = source.count();
        SortedSet<LocalDate> dates = new TreeSet<>();
        if (revalued > 0) {
          for (Row r : source.select(to_date(col("event_ts"))).distinct().collectAsList()) {
            dates.add(r.getDate(0).toLocalDate());
          }
          source.createOrReplaceTempView("silver_source_fx_revaluation");
          spark.sql(
              "MERGE INTO lakehouse."
                  + branch.ref(table)
                  + " t USING silver_source_fx_revaluation s ON t.transaction_id ="
                  + " s.transaction_id AND ("
                  + where.replace("currency", "t.currency").replace("event_ts", "t.event_ts")
                  + ") WHEN MATCHED THEN UPDATE SET *");
        }
        return new Result(changes, revalued, unpriced, dates);
      } finally {
        source.unpersist();
      }
    } finally {
      priced.unpersist();
    }
  }
}
