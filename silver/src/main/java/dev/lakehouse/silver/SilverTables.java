package dev.lakehouse.silver;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.OpsTables;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the silver tables (and the ops tables the silver job writes) when they do not exist yet.
 */
public final class SilverTables {
  private static final String PROPERTIES =
      " TBLPROPERTIES ('format-version'='2', 'write.distribution-mode'='hash',"
          + " 'write.merge.mode'='copy-on-write', 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  /** Every silver table, in the order a run writes them. */
  public static final java.util.List<String> ALL =
      java.util.List.of(
          Tables.SILVER_CUSTOMERS,
          Tables.SILVER_ACCOUNTS,
          Tables.SILVER_MERCHANTS,
          Tables.SILVER_TRANSACTIONS,
          Tables.SILVER_QUARANTINE);

  private SilverTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.SILVER);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_TRANSACTIONS
            + " ( transaction_id STRING, event_id STRING COMMENT 'the event that set the current"
            + " state', sequence INT, status STRING, txn_type STRING, account_id STRING,"
            + " customer_id STRING, amount DECIMAL(18,2), currency STRING, amount_inr"
            + " DECIMAL(18,2), fx_rate DECIMAL(18,6), channel STRING, event_ts TIMESTAMP, status_ts"
            + " TIMESTAMP, merchant_id STRING, counterparty_account_id STRING, device_id STRING,"
            + " city STRING, latitude DOUBLE, longitude DOUBLE, failure_reason STRING, events_seen"
            + " INT COMMENT 'distinct events of this transaction, redeliveries excluded',"
            + " first_seen_at TIMESTAMP COMMENT 'arrival of its first event', last_updated_at"
            + " TIMESTAMP COMMENT 'arrival of the event that set the state', is_account_known"
            + " BOOLEAN, is_customer_known BOOLEAN, row_hash BIGINT) USING iceberg PARTITIONED BY"
            + " (days(event_ts)) COMMENT 'One row per transaction_id in its current legal state.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_CUSTOMERS
            + " ( customer_id STRING, full_name_masked STRING, email_hmac STRING, email_domain"
            + " STRING, phone_hmac STRING, phone_masked STRING, birth_year INT, city STRING, state"
            + " STRING, city_tier INT, signup_ts TIMESTAMP, kyc_status STRING, updated_at"
            + " TIMESTAMP, row_hash BIGINT) USING iceberg COMMENT 'One row per customer_id, latest"
            + " by updated_at; PII masked or keyed-hashed.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_ACCOUNTS
            + " ("
            + " account_id STRING, customer_id STRING, account_type STRING, opened_at TIMESTAMP,"
            + " opening_balance DECIMAL(18,2), overdraft_limit DECIMAL(18,2), updated_at TIMESTAMP,"
            + " is_customer_known BOOLEAN, row_hash BIGINT)"
            + " USING iceberg COMMENT 'One row per account_id, latest by updated_at.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_MERCHANTS
            + " ("
            + " merchant_id STRING, name STRING, category STRING, city STRING, attributes STRING,"
            + " updated_at TIMESTAMP, row_hash BIGINT)"
            + " USING iceberg COMMENT 'One row per merchant_id, latest by updated_at.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_QUARANTINE
            + " ( rule STRING, reason STRING, source_table STRING, business_key STRING, event_date"
            + " DATE, kafka_partition INT, kafka_offset BIGINT, original_row STRING COMMENT 'the"
            + " bronze row as JSON', run_id STRING COMMENT 'the run that first quarantined it',"
            + " quarantined_at TIMESTAMP) USING iceberg COMMENT 'One row per (rule, source message)"
            + " that a validation rule sent away.'"
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.SILVER_FX_RATES
            + " ( currency STRING, effective_date DATE COMMENT 'the rate applies from this date"
            + " until the next effective date of the currency', inr_per_unit DECIMAL(18,6), source"
            + " STRING COMMENT 'the file it was loaded from', loaded_at TIMESTAMP) USING iceberg"
            + " COMMENT 'One row per (currency, effective_date); dates before the first row of a"
            + " currency use fx.inr-rates.'"
            + PROPERTIES);
    OpsTables.createIfMissing(spark);
  }
}
