package dev.lakehouse.gold;

import dev.lakehouse.common.Tables;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** fct_transactions (MERGEd over the window) and fct_daily_account_balance (rebuilt from the window on). */
final class GoldFacts {
  static final String CREDIT_TYPES = "'P2P_TRANSFER_IN', 'DEPOSIT', 'LOAN_DISBURSEMENT', 'INVESTMENT_REDEMPTION'";

  private GoldFacts() {}

  static String fctSource(String feeSql, LocalDate start, LocalDate end) {
    return "SELECT *, " + feeSql + " AS fee_inr,"
        + " CAST(CASE WHEN status <> 'SUCCESS' THEN 0 WHEN txn_type IN (" + CREDIT_TYPES + ") THEN amount_inr"
        + "  ELSE -amount_inr END AS DECIMAL(18,2)) AS balance_effect_inr FROM ("
        + " SELECT t.transaction_id, CAST(date_format(t.event_ts, 'yyyyMMdd') AS INT) AS date_key, to_date(t.event_ts) AS event_date,"
        + "  t.event_ts, coalesce(c.customer_key, 'UNKNOWN') AS customer_key, t.customer_id,"
        + "  coalesce(a.account_key, 'UNKNOWN') AS account_key,"
        + "  CASE WHEN t.merchant_id IS NULL THEN 'NONE' ELSE coalesce(m.merchant_key, 'UNKNOWN') END AS merchant_key,"
        + "  CASE WHEN t.merchant_id IS NULL THEN 'NONE' ELSE coalesce(m.category, 'UNKNOWN') END AS merchant_category,"
        + "  c.city_tier, t.txn_type, t.channel, t.status, t.currency, t.amount, t.amount_inr"
        + " FROM lakehouse.silver.transactions t"
        + " LEFT JOIN lakehouse.gold.dim_customer c ON c.customer_id = t.customer_id AND t.event_ts >= c.valid_from"
        + "   AND (c.valid_to IS NULL OR t.event_ts < c.valid_to)"
        + " LEFT JOIN lakehouse.gold.dim_account a ON a.account_key = t.account_id"
        + " LEFT JOIN lakehouse.gold.dim_merchant m ON m.merchant_key = t.merchant_id"
        + " WHERE t.event_ts >= TIMESTAMP '" + start + " 00:00:00' AND t.event_ts < TIMESTAMP '" + end.plusDays(1) + " 00:00:00')";
  }

  static long mergeTransactions(SparkSession spark, String feeSql, LocalDate start, LocalDate end) {
    Dataset<Row> source = dev.lakehouse.common.LakehouseSpark.withRowHash(spark.sql(fctSource(feeSql, start, end)));
    // Persisted: the join with the dimensions is counted and merged from one computation.
    source = source.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      long rows = source.count();
      source.createOrReplaceTempView("gold_fct_source");
      spark.sql("MERGE INTO lakehouse.gold.fct_transactions t USING gold_fct_source s"
          + " ON t.transaction_id = s.transaction_id"
          + " AND t.event_ts >= TIMESTAMP '" + start + " 00:00:00' AND t.event_ts < TIMESTAMP '" + end.plusDays(1) + " 00:00:00'"
          + " WHEN MATCHED AND t.row_hash <> s.row_hash THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *");
      return rows;
    } finally {
      source.unpersist();
    }
  }

  /**
   * Balance at the end of each day from {@code start} to {@code end} for every account opened by then:
   * opening balance + every SUCCESS effect up to that day (a REVERSED transaction has no effect).
   */
  static long rebuildBalances(SparkSession spark, LocalDate start, LocalDate end) {
    String s = "DATE '" + start + "'";
    String e = "DATE '" + end + "'";
    Dataset<Row> rows = spark.sql(
        "WITH days AS (SELECT explode(sequence(" + s + ", " + e + ")) AS d),"
            + " epoch AS (SELECT coalesce(min(event_date), " + s + ") AS first_day FROM lakehouse.gold.fct_transactions),"
            + " accts AS (SELECT account_key, customer_id, opening_balance, to_date(opened_at) AS opened"
            + "   FROM lakehouse.gold.dim_account WHERE account_key <> 'UNKNOWN'),"
            + " before AS (SELECT account_key, sum(balance_effect_inr) AS net FROM lakehouse.gold.fct_transactions"
            + "   WHERE event_date < " + s + " GROUP BY 1),"
            + " daily AS (SELECT account_key, event_date,"
            + "   sum(CASE WHEN balance_effect_inr > 0 THEN balance_effect_inr ELSE 0 END) AS credits,"
            + "   sum(CASE WHEN balance_effect_inr < 0 THEN -balance_effect_inr ELSE 0 END) AS debits,"
            + "   sum(balance_effect_inr) AS net"
            + "   FROM lakehouse.gold.fct_transactions WHERE event_date BETWEEN " + s + " AND " + e + " GROUP BY 1, 2)"
            + " SELECT account_key, customer_id, balance_date, date_key, credits_inr, debits_inr, closing_balance_inr FROM ("
            + " SELECT a.account_key, a.customer_id, a.opened, epoch.first_day, d.d AS balance_date,"
            + "  CAST(date_format(d.d, 'yyyyMMdd') AS INT) AS date_key,"
            + "  coalesce(x.credits, 0) AS credits_inr, coalesce(x.debits, 0) AS debits_inr,"
            + "  a.opening_balance + coalesce(b.net, 0)"
            + "   + sum(coalesce(x.net, 0)) OVER (PARTITION BY a.account_key ORDER BY d.d) AS closing_balance_inr"
            + " FROM accts a CROSS JOIN days d CROSS JOIN epoch"
            + " LEFT JOIN before b ON b.account_key = a.account_key"
            + " LEFT JOIN daily x ON x.account_key = a.account_key AND x.event_date = d.d"
            + ") WHERE balance_date >= greatest(coalesce(opened, first_day), first_day)");
    return GoldJob.overwrite(rows, Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE, "balance_date BETWEEN " + s + " AND " + e);
  }
}
