package dev.lakehouse.gold;

import dev.lakehouse.common.Tables;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The business marts, each recomputed only for the days or months a run touched. */
final class GoldMarts {
  private GoldMarts() {}

  private static String d(LocalDate date) {
    return "DATE '" + date + "'";
  }

  static long dailyRevenue(SparkSession spark, LocalDate start, LocalDate end) {
    return GoldJob.overwrite(spark.sql(
        "SELECT event_date AS summary_date, merchant_category, coalesce(city_tier, 0) AS city_tier, count(*) AS txn_count,"
            + " count_if(status = 'SUCCESS') AS success_count,"
            + " coalesce(sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END), 0) AS volume_inr,"
            + " sum(fee_inr) AS revenue_inr,"
            + " CASE WHEN count_if(status = 'SUCCESS') > 0"
            + "  THEN sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END) / count_if(status = 'SUCCESS') END AS avg_ticket_inr,"
            + " count_if(status = 'FAILED') / count(*) AS failure_rate"
            + " FROM lakehouse.gold.fct_transactions WHERE event_date BETWEEN " + d(start) + " AND " + d(end)
            + " GROUP BY 1, 2, 3"),
        Tables.GOLD_DAILY_REVENUE_SUMMARY, "summary_date BETWEEN " + d(start) + " AND " + d(end));
  }

  private static String months(LocalDate first, LocalDate last) {
    return "month_start BETWEEN " + d(first) + " AND " + d(last);
  }

  /** Opening = the first day's closing less its movements, so closing = opening + credits - debits exactly. */
  static long monthlyStatements(SparkSession spark, LocalDate first, LocalDate last) {
    return GoldJob.overwrite(spark.sql(
        "WITH b AS (SELECT account_key, customer_id, trunc(balance_date, 'MM') AS month_start, balance_date, credits_inr,"
            + "  debits_inr, closing_balance_inr FROM lakehouse.gold.fct_daily_account_balance"
            + "  WHERE balance_date >= " + d(first) + " AND balance_date < add_months(" + d(last) + ", 1)),"
            + " f AS (SELECT account_key, trunc(event_date, 'MM') AS month_start, count(*) AS transaction_count,"
            + "  coalesce(sum(CASE WHEN txn_type = 'FEE' AND status = 'SUCCESS' THEN amount_inr END), 0) AS fees_inr"
            + "  FROM lakehouse.gold.fct_transactions"
            + "  WHERE event_date >= " + d(first) + " AND event_date < add_months(" + d(last) + ", 1) GROUP BY 1, 2)"
            + " SELECT b.account_key AS account_id, b.customer_id, b.month_start,"
            + "  min_by(b.closing_balance_inr - b.credits_inr + b.debits_inr, b.balance_date) AS opening_balance_inr,"
            + "  sum(b.credits_inr) AS credits_inr, sum(b.debits_inr) AS debits_inr, coalesce(max(f.fees_inr), 0) AS fees_inr,"
            + "  max_by(b.closing_balance_inr, b.balance_date) AS closing_balance_inr,"
            + "  coalesce(max(f.transaction_count), 0) AS transaction_count"
            + " FROM b LEFT JOIN f ON f.account_key = b.account_key AND f.month_start = b.month_start"
            + " GROUP BY 1, 2, 3"),
        Tables.GOLD_MONTHLY_STATEMENT, months(first, last));
  }

  /**
   * Per customer and month: the month-end balance over all accounts (the last day gold has in that month),
   * the average of the trailing three month-ends (fewer at the start of the data), tier and activity.
   */
  static long customerMonthly(SparkSession spark, LocalDate first, LocalDate last,
      Map<String, BigDecimal> tiers, Map<String, BigDecimal> activity) {
    return GoldJob.overwrite(spark.sql(
        "WITH acct AS (SELECT customer_id, account_key, trunc(balance_date, 'MM') AS m,"
            + "  max_by(closing_balance_inr, balance_date) AS closing FROM lakehouse.gold.fct_daily_account_balance"
            + "  WHERE customer_id IS NOT NULL AND balance_date >= add_months(" + d(first) + ", -2)"
            + "  AND balance_date < add_months(" + d(last) + ", 1) GROUP BY 1, 2, 3),"
            + " cust AS (SELECT customer_id, m, sum(closing) AS month_end FROM acct GROUP BY 1, 2),"
            + " act AS (SELECT customer_id, trunc(event_date, 'MM') AS m,"
            + "  sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'WITHDRAWAL' THEN amount_inr ELSE 0 END) AS w,"
            + "  sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'LOAN_DISBURSEMENT' THEN amount_inr ELSE 0 END) AS l,"
            + "  sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'INVESTMENT' THEN amount_inr ELSE 0 END) AS i"
            + "  FROM lakehouse.gold.fct_transactions WHERE event_date >= " + d(first)
            + "  AND event_date < add_months(" + d(last) + ", 1) GROUP BY 1, 2),"
            + " avg3 AS (SELECT customer_id, m, month_end, avg(month_end) OVER (PARTITION BY customer_id"
            + "  ORDER BY year(m) * 12 + month(m) RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS avg_3m FROM cust)"
            + " SELECT c.customer_id, c.m AS month_start, c.month_end AS month_end_balance_inr,"
            + "  c.avg_3m AS avg_balance_3m_inr,"
            + "  CASE WHEN c.avg_3m >= " + tiers.get("diamond") + " THEN 'Diamond'"
            + "   WHEN c.avg_3m >= " + tiers.get("gold") + " THEN 'Gold' ELSE 'Bronze' END AS tier,"
            + "  coalesce(a.w, 0) AS withdrawals_inr, coalesce(a.l, 0) AS loans_inr, coalesce(a.i, 0) AS investments_inr,"
            + "  c.month_end < 0 AS is_in_red,"
            + "  (coalesce(a.w, 0) > " + activity.get("withdrawals") + " OR coalesce(a.l, 0) > " + activity.get("loans")
            + "   OR coalesce(a.i, 0) > " + activity.get("investments") + ") AS is_high_activity"
            + " FROM avg3 c LEFT JOIN act a ON a.customer_id = c.customer_id AND a.m = c.m"
            + " WHERE c.m >= " + d(first)),
        Tables.GOLD_CUSTOMER_MONTHLY, months(first, last));
  }

  /** Customers whose flag held for 3 or more consecutive months, as of each month (gaps and islands). */
  static long streaks(SparkSession spark, String table, String flag, LocalDate first, LocalDate last) {
    String extra = table.equals(Tables.GOLD_CUSTOMERS_IN_RED)
        ? "month_end_balance_inr" : "withdrawals_inr, loans_inr, investments_inr";
    return GoldJob.overwrite(spark.sql(
        "WITH x AS (SELECT *, year(month_start) * 12 + month(month_start) AS idx FROM lakehouse.gold.customer_monthly"
            + "  WHERE " + flag + " AND month_start <= " + d(last) + "),"
            + " g AS (SELECT *, idx - row_number() OVER (PARTITION BY customer_id ORDER BY idx) AS grp FROM x),"
            + " s AS (SELECT *, row_number() OVER (PARTITION BY customer_id, grp ORDER BY idx) AS streak FROM g)"
            + " SELECT month_start AS as_of_month, customer_id, streak AS streak_months, " + extra
            + " FROM s WHERE streak >= 3 AND month_start >= " + d(first)),
        table, "as_of_month BETWEEN " + d(first) + " AND " + d(last));
  }

  /** Growth is (this - previous) / previous, null when the previous month is zero or absent. */
  static long monthlyKpis(SparkSession spark, LocalDate first, LocalDate last) {
    String growth = "";
    for (String m : new String[] {"revenue_inr", "volume_inr", "txn_count", "new_customers", "active_customers"}) {
      String name = m.replace("_inr", "") + "_growth";
      growth += ", CASE WHEN lag(" + m + ") OVER (ORDER BY month_start) > 0 THEN (" + m + " - lag(" + m
          + ") OVER (ORDER BY month_start)) / lag(" + m + ") OVER (ORDER BY month_start) END AS " + name;
    }
    return GoldJob.overwrite(spark.sql(
        "WITH months AS (SELECT explode(sequence(add_months(" + d(first) + ", -1), " + d(last) + ", INTERVAL 1 MONTH)) AS month_start),"
            + " f AS (SELECT trunc(event_date, 'MM') AS month_start, sum(fee_inr) AS revenue_inr,"
            + "  sum(CASE WHEN status = 'SUCCESS' THEN amount_inr ELSE 0 END) AS volume_inr,"
            + "  count_if(status = 'SUCCESS') AS txn_count,"
            + "  count(DISTINCT CASE WHEN status = 'SUCCESS' THEN customer_id END) AS active_customers"
            + "  FROM lakehouse.gold.fct_transactions WHERE event_date >= add_months(" + d(first) + ", -1)"
            + "  AND event_date < add_months(" + d(last) + ", 1) GROUP BY 1),"
            + " n AS (SELECT trunc(to_date(signup_ts), 'MM') AS month_start, count(DISTINCT customer_id) AS new_customers"
            + "  FROM lakehouse.gold.dim_customer WHERE customer_id IS NOT NULL GROUP BY 1),"
            + " k AS (SELECT m.month_start, coalesce(f.revenue_inr, 0) AS revenue_inr, coalesce(f.volume_inr, 0) AS volume_inr,"
            + "  coalesce(f.txn_count, 0) AS txn_count, coalesce(n.new_customers, 0) AS new_customers,"
            + "  coalesce(f.active_customers, 0) AS active_customers"
            + "  FROM months m LEFT JOIN f ON f.month_start = m.month_start LEFT JOIN n ON n.month_start = m.month_start)"
            + " SELECT * FROM (SELECT *" + growth + " FROM k) WHERE month_start >= " + d(first)),
        Tables.GOLD_MONTHLY_KPIS, months(first, last));
  }

  static long customersPerTier(SparkSession spark, LocalDate first, LocalDate last) {
    return GoldJob.overwrite(spark.sql(
        "SELECT month_start, tier, count(*) AS customer_count FROM lakehouse.gold.customer_monthly WHERE "
            + months(first, last) + " GROUP BY 1, 2"),
        Tables.GOLD_CUSTOMERS_PER_TIER, months(first, last));
  }

  static long transactionTrend(SparkSession spark, LocalDate first, LocalDate last) {
    return GoldJob.overwrite(spark.sql(
        "SELECT trunc(event_date, 'MM') AS month_start, txn_type, count(*) AS txn_count,"
            + " count_if(status = 'SUCCESS') AS success_count,"
            + " coalesce(sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END), 0) AS volume_inr"
            + " FROM lakehouse.gold.fct_transactions WHERE event_date >= " + d(first)
            + " AND event_date < add_months(" + d(last) + ", 1) GROUP BY 1, 2"),
        Tables.GOLD_MONTHLY_TRANSACTION_TREND, months(first, last));
  }
}
