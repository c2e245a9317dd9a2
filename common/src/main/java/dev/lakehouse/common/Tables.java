package dev.lakehouse.common;

import dev.lakehouse.contract.Topic;

/**
 * Table names, as seen from Spark SQL through the lakehouse's default catalog. The name says layer
 * and grain; each table's grain is written in its table comment and in docs/.
 */
public final class Tables {
  /**
   * A Spark SQL timestamp literal's text for an instant, in UTC (the session time zone), whatever
   * the JVM's own time zone: {@code Timestamp.toString()} would print local time.
   */
  public static String utcLiteral(java.time.Instant instant) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
        .withZone(java.time.ZoneOffset.UTC)
        .format(instant);
  }

  /** The Iceberg catalog, registered as Spark's default catalog. */
  public static final String CATALOG = "lakehouse";

  public static final String BRONZE = "bronze";
  public static final String SILVER = "silver";
  public static final String GOLD = "gold";
  public static final String OPS = "ops";
  public static final String FRAUD = "fraud";

  public static final String BRONZE_TRANSACTIONS = Topic.TRANSACTIONS.bronzeTable();
  public static final String BRONZE_CUSTOMERS = Topic.CUSTOMERS.bronzeTable();
  public static final String BRONZE_ACCOUNTS = Topic.ACCOUNTS.bronzeTable();
  public static final String BRONZE_MERCHANTS = Topic.MERCHANTS.bronzeTable();

  /** One row per Kafka message that broke the contract. */
  public static final String BRONZE_DEAD_LETTERS = "bronze.dead_letters";

  public static final String BRONZE_PRICE_RESPONSES = "bronze.price_responses";

  public static final String SILVER_TRANSACTIONS = Topic.TRANSACTIONS.silverTable();
  public static final String SILVER_CUSTOMERS = Topic.CUSTOMERS.silverTable();
  public static final String SILVER_ACCOUNTS = Topic.ACCOUNTS.silverTable();
  public static final String SILVER_MERCHANTS = Topic.MERCHANTS.silverTable();

  /** One row per (rule, source message) a validation rule sent away. */
  public static final String SILVER_QUARANTINE = "silver.quarantine";

  /** One row per (currency, effective date): the INR rate from that date until the next one. */
  public static final String SILVER_FX_RATES = "silver.fx_rates";

  public static final String GOLD_DIM_DATE = "gold.dim_date";
  public static final String GOLD_DIM_CUSTOMER = "gold.dim_customer";
  public static final String GOLD_DIM_ACCOUNT = "gold.dim_account";
  public static final String GOLD_DIM_MERCHANT = "gold.dim_merchant";
  public static final String GOLD_FCT_TRANSACTIONS = "gold.fct_transactions";
  public static final String GOLD_FCT_DAILY_ACCOUNT_BALANCE = "gold.fct_daily_account_balance";
  public static final String GOLD_CUSTOMER_MONTHLY = "gold.customer_monthly";
  public static final String GOLD_DAILY_REVENUE_SUMMARY = "gold.daily_revenue_summary";
  public static final String GOLD_MONTHLY_STATEMENT = "gold.monthly_statement";
  public static final String GOLD_CUSTOMERS_IN_RED = "gold.customers_in_red";
  public static final String GOLD_HIGH_ACTIVITY_CUSTOMERS = "gold.high_activity_customers";
  public static final String GOLD_MONTHLY_KPIS = "gold.monthly_kpis";
  public static final String GOLD_CUSTOMERS_PER_TIER = "gold.customers_per_tier";
  public static final String GOLD_MONTHLY_TRANSACTION_TREND = "gold.monthly_transaction_trend";

  /** One row per (rule, transaction) a fraud rule alerted on. */
  public static final String FRAUD_ALERTS = "fraud.alerts";

  /**
   * One row per transaction the fraud stream scored: the features it saw then and the rules that
   * fired (the feature log that fraud-train learns from and fraud-eval measures).
   */
  public static final String FRAUD_DECISIONS = "fraud.decisions";

  /** One row per labelled transaction: generator ground truth or a replayed labelled data set. */
  public static final String FRAUD_LABELS = "fraud.labels";

  /** One row per run of a batch job, failed runs included. */
  public static final String OPS_RUNS = "ops.runs";

  /** One row per run and rule. */
  public static final String OPS_DQ_RESULTS = "ops.dq_results";

  /** One row per bronze message that arrived after its date left the lookback window. */
  public static final String OPS_LATE_ARRIVALS = "ops.late_arrivals";

  /** One row per stream micro-batch and Kafka topic-partition it read. */
  public static final String OPS_STREAM_BATCHES = "ops.stream_batches";

  /**
   * One row per range of Kafka offsets the stream skipped: deleted before it read them, or holes.
   */
  public static final String OPS_SKIPPED_OFFSETS = "ops.skipped_offsets";

  /** One row per table, partition date and metric (and its column or value), with its band. */
  public static final String OPS_TABLE_METRICS = "ops.table_metrics";

  /** One row per metric value found outside what the table's own history makes normal. */
  public static final String OPS_ANOMALIES = "ops.anomalies";

  private Tables() {}

  /** The name with the catalog in front, which spares Spark a failed catalog lookup. */
  public static String qualified(String table) {
    return CATALOG + "." + table;
  }
}
