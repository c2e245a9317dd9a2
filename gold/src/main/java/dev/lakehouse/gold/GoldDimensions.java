package dev.lakehouse.gold;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** The dimensions: dates, accounts and merchants (type 1), customers (type 2 on city, state, city tier). */
final class GoldDimensions {
  static final String MERGE_ACCOUNTS =
      "MERGE INTO lakehouse.gold.dim_account t USING ("
          + " SELECT account_id AS account_key, account_id, customer_id, account_type, opened_at, opening_balance,"
          + " overdraft_limit FROM lakehouse.silver.accounts"
          + " UNION ALL SELECT 'UNKNOWN', NULL, NULL, 'UNKNOWN', NULL, CAST(0 AS DECIMAL(18,2)), CAST(0 AS DECIMAL(18,2))) s"
          + " ON t.account_key = s.account_key"
          + " WHEN MATCHED AND xxhash64(t.customer_id, t.account_type, t.opened_at, t.opening_balance, t.overdraft_limit)"
          + "   <> xxhash64(s.customer_id, s.account_type, s.opened_at, s.opening_balance, s.overdraft_limit) THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *";

  static final String MERGE_MERCHANTS =
      "MERGE INTO lakehouse.gold.dim_merchant t USING ("
          + " SELECT merchant_id AS merchant_key, merchant_id, name, category, city FROM lakehouse.silver.merchants"
          + " UNION ALL SELECT 'UNKNOWN', NULL, 'Unknown merchant', 'UNKNOWN', NULL"
          + " UNION ALL SELECT 'NONE', NULL, 'No merchant', 'NONE', NULL) s"
          + " ON t.merchant_key = s.merchant_key"
          + " WHEN MATCHED AND xxhash64(t.name, t.category, t.city) <> xxhash64(s.name, s.category, s.city) THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *";

  /** Each silver customer against its current version: new, moved (new version), type1 (in place) or same. */
  static final String CUSTOMER_CHANGES =
      "SELECT s.*, t.customer_key AS current_key, h.last_valid_to,"
          + " CASE WHEN t.customer_key IS NULL THEN 'new'"
          + "  WHEN NOT (t.city <=> s.city AND t.state <=> s.state AND t.city_tier <=> s.city_tier) THEN 'moved'"
          + "  WHEN NOT (t.full_name_masked <=> s.full_name_masked AND t.email_domain <=> s.email_domain"
          + "   AND t.birth_year <=> s.birth_year AND t.kyc_status <=> s.kyc_status) THEN 'type1'"
          + "  ELSE 'same' END AS change"
          + " FROM lakehouse.silver.customers s"
          + " LEFT JOIN (SELECT * FROM lakehouse.gold.dim_customer WHERE is_current) t ON t.customer_id = s.customer_id"
          + " LEFT JOIN (SELECT customer_id, max(valid_to) AS last_valid_to FROM lakehouse.gold.dim_customer GROUP BY 1) h"
          + "   ON h.customer_id = s.customer_id";

  static final String CLOSE_OR_UPDATE_CUSTOMERS =
      "MERGE INTO lakehouse.gold.dim_customer t USING (SELECT * FROM gold_customer_changes WHERE change IN ('moved', 'type1')) c"
          + " ON t.customer_key = c.current_key"
          + " WHEN MATCHED AND c.change = 'moved' THEN UPDATE SET valid_to = c.updated_at, is_current = false"
          + " WHEN MATCHED AND c.change = 'type1' THEN UPDATE SET full_name_masked = c.full_name_masked,"
          + "   email_domain = c.email_domain, birth_year = c.birth_year, kyc_status = c.kyc_status";

  static final String INSERT_CUSTOMER_VERSIONS =
      "INSERT INTO lakehouse.gold.dim_customer"
          + " SELECT concat(customer_id, '@', date_format(valid_from, 'yyyyMMddHHmmss')), customer_id, full_name_masked,"
          + " email_domain, birth_year, city, state, city_tier, kyc_status, signup_ts, valid_from, NULL, true FROM ("
          + "  SELECT *, CASE WHEN change = 'moved' THEN updated_at"
          + "   ELSE coalesce(last_valid_to, least(signup_ts, updated_at)) END AS valid_from"
          + "  FROM gold_customer_changes WHERE change IN ('new', 'moved'))";

  static final String INSERT_UNKNOWN_CUSTOMER =
      "INSERT INTO lakehouse.gold.dim_customer SELECT 'UNKNOWN', NULL, NULL, NULL, NULL, 'UNKNOWN', NULL, NULL, NULL, NULL,"
          + " TIMESTAMP '1970-01-01 00:00:00', NULL, true";

  private GoldDimensions() {}

  static void refresh(SparkSession spark, LocalDate start, LocalDate end) {
    spark.sql(MERGE_ACCOUNTS);
    spark.sql(MERGE_MERCHANTS);
    spark.sql(CUSTOMER_CHANGES).createOrReplaceTempView("gold_customer_changes");
    spark.table("gold_customer_changes").cache();
    try {
      if (spark.sql("SELECT 1 FROM gold_customer_changes WHERE change IN ('moved', 'type1')").limit(1).count() > 0) {
        spark.sql(CLOSE_OR_UPDATE_CUSTOMERS);
      }
      if (spark.sql("SELECT 1 FROM gold_customer_changes WHERE change IN ('new', 'moved')").limit(1).count() > 0) {
        spark.sql(INSERT_CUSTOMER_VERSIONS);
      }
    } finally {
      spark.catalog().uncacheTable("gold_customer_changes");
    }
    if (spark.sql("SELECT 1 FROM lakehouse.gold.dim_customer WHERE customer_key = 'UNKNOWN'").count() == 0) {
      spark.sql(INSERT_UNKNOWN_CUSTOMER);
    }
    spark.sql("MERGE INTO lakehouse.gold.dim_date t USING ("
        + " SELECT CAST(date_format(d, 'yyyyMMdd') AS INT) AS date_key, d AS date, year(d) AS year, quarter(d) AS quarter,"
        + " month(d) AS month, trunc(d, 'MM') AS month_start, dayofmonth(d) AS day_of_month, dayofweek(d) AS day_of_week,"
        + " date_format(d, 'EEEE') AS day_name, dayofweek(d) IN (1, 7) AS is_weekend"
        + " FROM (SELECT explode(sequence(least(DATE '" + start + "', coalesce(min(to_date(event_ts)), DATE '" + start + "')),"
        + "   greatest(DATE '" + end + "', coalesce(max(to_date(event_ts)), DATE '" + end + "')))) AS d"
        + "   FROM lakehouse.silver.transactions)) s"
        + " ON t.date_key = s.date_key WHEN NOT MATCHED THEN INSERT *");
  }
}
