package dev.lakehouse.common;

/**
 * Table names, as seen from Spark SQL through the lakehouse's default catalog. The name says layer and
 * grain; each table's grain is written in the README.
 */
public final class Tables {
  /** The Iceberg catalog, registered as Spark's default catalog. */
  public static final String CATALOG = "lakehouse";

  public static final String BRONZE = "bronze";
  public static final String OPS = "ops";

  /** One row per delivered transaction lifecycle event (redeliveries included). */
  public static final String BRONZE_TRANSACTIONS = "bronze.transactions";
  /** One row per delivered customer profile message. */
  public static final String BRONZE_CUSTOMERS = "bronze.customers";
  /** One row per delivered account state message. */
  public static final String BRONZE_ACCOUNTS = "bronze.accounts";
  /** One row per delivered merchant profile message. */
  public static final String BRONZE_MERCHANTS = "bronze.merchants";
  /** One row per Kafka message that broke the contract. */
  public static final String BRONZE_DEAD_LETTERS = "bronze.dead_letters";
  public static final String SILVER = "silver";
  /** One row per transaction_id in its current legal state. */
  public static final String SILVER_TRANSACTIONS = "silver.transactions";
  /** One row per customer_id, latest by updated_at, PII masked or keyed-hashed. */
  public static final String SILVER_CUSTOMERS = "silver.customers";
  /** One row per account_id, latest by updated_at. */
  public static final String SILVER_ACCOUNTS = "silver.accounts";
  /** One row per merchant_id, latest by updated_at. */
  public static final String SILVER_MERCHANTS = "silver.merchants";
  /** One row per (rule, source message) a validation rule sent away. */
  public static final String SILVER_QUARANTINE = "silver.quarantine";
  /** One row per run of a batch job, failed runs included. */
  public static final String OPS_RUNS = "ops.runs";
  /** One row per run and rule. */
  public static final String OPS_DQ_RESULTS = "ops.dq_results";
  /** One row per bronze message that arrived after its date left the lookback window. */
  public static final String OPS_LATE_ARRIVALS = "ops.late_arrivals";
  /** One row per stream micro-batch and Kafka topic-partition it read. */
  public static final String OPS_STREAM_BATCHES = "ops.stream_batches";

  private Tables() {}

  /** The name with the catalog in front, which spares Spark a failed catalog lookup. */
  public static String qualified(String table) {
    return CATALOG + "." + table;
  }

  /** The bronze table a topic lands in. */
  public static String bronzeTableFor(String topic) {
    return BRONZE + "." + topic;
  }
}
