package dev.lakehouse.gold;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The gold star schema and marts; each table's grain is in its comment and in docs/gold.md. */
public final class GoldTables {

  /** The key of the unknown member of every dimension (late reference data never drops a fact). */
  public static final String UNKNOWN = "UNKNOWN";

  private static final String PROPS =
      " TBLPROPERTIES ('format-version'='2', 'write.distribution-mode'='hash',"
          + " 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  /** One gold table: its columns (DDL), partitioning (null for none) and grain. */
  record Spec(String table, String columns, String partition, String grain) {}

  static final List<Spec> SPECS =
      List.of(
          new Spec(
              Tables.GOLD_DIM_DATE,
              "date_key INT, date DATE, year INT, quarter INT, month INT, month_start DATE,"
                  + " day_of_month INT, day_of_week INT, day_name STRING, is_weekend BOOLEAN",
              null,
              "One row per calendar date."),
          new Spec(
              Tables.GOLD_DIM_CUSTOMER,
              "customer_key STRING, customer_id STRING, full_name_masked STRING, email_domain"
                  + " STRING, birth_year INT, city STRING, state STRING, city_tier INT, kyc_status"
                  + " STRING, signup_ts TIMESTAMP, valid_from TIMESTAMP, valid_to TIMESTAMP,"
                  + " is_current BOOLEAN, is_inferred BOOLEAN",
              null,
              "One row per customer version: a change of city, state or city tier opens a new"
                  + " version (SCD type 2)."),
          new Spec(
              Tables.GOLD_DIM_ACCOUNT,
              "account_key STRING, account_id STRING, customer_id STRING, account_type STRING,"
                  + " opened_at TIMESTAMP, opening_balance DECIMAL(18,2), overdraft_limit"
                  + " DECIMAL(18,2), is_inferred BOOLEAN",
              null,
              "One row per account, plus the unknown member; is_inferred while only facts know"
                  + " it."),
          new Spec(
              Tables.GOLD_DIM_MERCHANT,
              "merchant_key STRING, merchant_id STRING, name STRING, category STRING, city STRING,"
                  + " is_inferred BOOLEAN",
              null,
              "One row per merchant, plus the unknown and none members; is_inferred while only"
                  + " facts know it."),
          new Spec(
              Tables.GOLD_FCT_TRANSACTIONS,
              "transaction_id STRING, date_key INT, event_date DATE, event_ts TIMESTAMP,"
                  + " customer_key STRING, customer_id STRING, account_key STRING, merchant_key"
                  + " STRING, merchant_category STRING, city_tier INT, txn_type STRING, channel"
                  + " STRING, status STRING, currency STRING, amount DECIMAL(18,2), amount_inr"
                  + " DECIMAL(18,2), fee_inr DECIMAL(18,2), balance_effect_inr DECIMAL(18,2),"
                  + " row_hash BIGINT",
              "days(event_ts)",
              "One row per transaction in its current state, with its platform fee and balance"
                  + " effect."),
          new Spec(
              Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE,
              "account_key STRING, customer_id STRING, balance_date DATE, date_key INT, credits_inr"
                  + " DECIMAL(38,2), debits_inr DECIMAL(38,2), closing_balance_inr DECIMAL(38,2)",
              "balance_date",
              "One row per account and day from the day the account opened: the balance at the end"
                  + " of the day."),
          new Spec(
              Tables.GOLD_CUSTOMER_MONTHLY,
              "customer_id STRING, month_start DATE, month_end_balance_inr DECIMAL(38,2),"
                  + " avg_balance_3m_inr DECIMAL(38,2), tier STRING, withdrawals_inr DECIMAL(38,2),"
                  + " loans_inr DECIMAL(38,2), investments_inr DECIMAL(38,2), is_in_red BOOLEAN,"
                  + " is_high_activity BOOLEAN",
              "month_start",
              "One row per customer and month: month-end balance over all accounts, tier,"
                  + " activity."),
          new Spec(
              Tables.GOLD_DAILY_REVENUE_SUMMARY,
              "summary_date DATE, merchant_category STRING, city_tier INT, all_status_count BIGINT,"
                  + " txn_count BIGINT, volume_inr DECIMAL(38,2), revenue_inr DECIMAL(38,2),"
                  + " avg_ticket_inr DECIMAL(38,2), failure_rate DECIMAL(9,4)",
              "summary_date",
              "One row per day, merchant category (NONE without a merchant) and city tier."),
          new Spec(
              Tables.GOLD_MONTHLY_STATEMENT,
              "account_id STRING, customer_id STRING, month_start DATE, opening_balance_inr"
                  + " DECIMAL(38,2), credits_inr DECIMAL(38,2), debits_inr DECIMAL(38,2), fees_inr"
                  + " DECIMAL(38,2), closing_balance_inr DECIMAL(38,2), txn_count BIGINT,"
                  + " all_status_count BIGINT",
              "month_start",
              "One row per account and month."),
          new Spec(
              Tables.GOLD_CUSTOMERS_IN_RED,
              "as_of_month DATE, customer_id STRING, streak_months INT, month_end_balance_inr"
                  + " DECIMAL(38,2)",
              "as_of_month",
              "One row per customer and month for customers in the red for 3 or more consecutive"
                  + " months."),
          new Spec(
              Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS,
              "as_of_month DATE, customer_id STRING, streak_months INT, withdrawals_inr"
                  + " DECIMAL(38,2), loans_inr DECIMAL(38,2), investments_inr DECIMAL(38,2)",
              "as_of_month",
              "One row per customer and month for customers with high activity for 3 or more"
                  + " consecutive months."),
          new Spec(
              Tables.GOLD_MONTHLY_KPIS,
              "month_start DATE, revenue_inr DECIMAL(38,2), volume_inr DECIMAL(38,2), txn_count"
                  + " BIGINT, new_customers BIGINT, active_customers BIGINT, revenue_growth"
                  + " DECIMAL(38,4), volume_growth DECIMAL(38,4), txn_count_growth DECIMAL(38,4),"
                  + " new_customers_growth DECIMAL(38,4), active_customers_growth DECIMAL(38,4),"
                  + " is_partial_month BOOLEAN",
              "month_start",
              "One row per month; growth is against the previous month and null when that month is"
                  + " zero or either month is partial."),
          new Spec(
              Tables.GOLD_CUSTOMERS_PER_TIER,
              "month_start DATE, tier STRING, customer_count BIGINT",
              "month_start",
              "One row per month and tier (Bronze, Gold, Diamond)."),
          new Spec(
              Tables.GOLD_MONTHLY_TRANSACTION_TREND,
              "month_start DATE, txn_type STRING, all_status_count BIGINT, txn_count BIGINT,"
                  + " volume_inr DECIMAL(38,2)",
              "month_start",
              "One row per month and txn_type."));

  private GoldTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.GOLD);
    for (Spec s : SPECS) {
      spark.sql(create(s, true));
      upgrade(spark, s);
    }
  }

  private static String create(Spec s, boolean ifNotExists) {
    return "CREATE TABLE "
        + (ifNotExists ? "IF NOT EXISTS " : "")
        + s.table()
        + " ("
        + s.columns()
        + ") USING iceberg"
        + (s.partition() == null ? "" : " PARTITIONED BY (" + s.partition() + ")")
        + " COMMENT '"
        + s.grain()
        + "'"
        + PROPS;
  }

  /**
   * Brings a table created by an earlier version to its spec: a table rebuilt by overwrite (the
   * balances and the marts) whose columns differ is dropped and created again, and the run that
   * follows rebuilds it, since the models' changed SQL changes gold's fingerprint; the dimensions
   * and the transaction facts, which hold history, get the columns they lack, at the end.
   */
  private static void upgrade(SparkSession spark, Spec spec) {
    StructType existing = spark.table(Tables.qualified(spec.table())).schema();
    StructType wanted = StructType.fromDDL(spec.columns());
    if (sameColumns(existing, wanted)) {
      return;
    }
    if (spec.partition() != null && !spec.table().equals(Tables.GOLD_FCT_TRANSACTIONS)) {
      spark.sql("DROP TABLE " + spec.table());
      spark.sql(create(spec, false));
      return;
    }
    addMissingColumns(spark, spec, java.util.Set.of(existing.fieldNames()));
  }

  /** Same names, in the same order, with the same types. */
  private static boolean sameColumns(StructType existing, StructType wanted) {
    if (existing.fields().length != wanted.fields().length) {
      return false;
    }
    for (int i = 0; i < wanted.fields().length; i++) {
      StructField e = existing.fields()[i];
      StructField w = wanted.fields()[i];
      if (!e.name().equals(w.name()) || !e.dataType().equals(w.dataType())) {
        return false;
      }
    }
    return true;
  }

  private static void addMissingColumns(
      SparkSession spark, Spec spec, java.util.Set<String> existing) {
    for (StructField f : StructType.fromDDL(spec.columns()).fields()) {
      if (!existing.contains(f.name())) {
        spark.sql(
            "ALTER TABLE "
                + spec.table()
                + " ADD COLUMNS ("
                + f.name()
                + " "
                + f.dataType().sql()
                + ")");
      }
    }
  }

  /** The columns of a gold table as DDL, e.g. {@code "month_start DATE, tier STRING, ..."}. */
  static String columns(String table) {
    return SPECS.stream()
        .filter(s -> s.table().equals(table))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Not a gold table: " + table + "."))
        .columns();
  }
}
