package dev.lakehouse.trading;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import org.apache.spark.sql.SparkSession;

/** The trading warehouse's silver tables, created when they do not exist yet. */
public final class TradingTables {
  public static final String STOCKS = "silver.stocks";
  public static final String STOCK_HISTORY = "silver.stock_history";
  public static final String ACCOUNTS = "silver.trading_accounts";
  public static final String PRICES = "silver.daily_prices";
  public static final String ORDERS = "silver.orders";
  public static final String TRADES = "silver.trades";
  public static final String QUARANTINE = "silver.trading_quarantine";

  private static final String PROPERTIES =
      " TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='copy-on-write',"
          + " 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  private TradingTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.SILVER);
    create(
        spark,
        STOCKS,
        "symbol STRING, name STRING, sector STRING, exchange STRING, currency STRING,"
            + " updated_at TIMESTAMP, run_id STRING",
        "",
        "One row per symbol in its latest version.");
    create(
        spark,
        STOCK_HISTORY,
        "symbol STRING, name STRING, sector STRING, exchange STRING, currency STRING,"
            + " valid_from TIMESTAMP COMMENT 'the updated_at of the version', run_id STRING",
        "",
        "One row per version of a stock (symbol, valid_from): the sector history.");
    create(
        spark,
        ACCOUNTS,
        "trading_account_id STRING, account_type STRING,"
            + " holder_name_masked STRING COMMENT 'initials only; the name stays in bronze',"
            + " customer_id STRING, opened_at TIMESTAMP, currency STRING, updated_at TIMESTAMP,"
            + " run_id STRING",
        "",
        "One row per trading account in its latest version.");
    create(
        spark,
        PRICES,
        "symbol STRING, trade_date DATE, open DECIMAL(18,4), high DECIMAL(18,4),"
            + " low DECIMAL(18,4), close DECIMAL(18,4), volume BIGINT, source STRING,"
            + " fetched_at TIMESTAMP, prev_close DECIMAL(18,4) COMMENT 'the close of the"
            + " previous trading day silver holds', day_return DECIMAL(18,8),"
            + " is_big_move BOOLEAN COMMENT 'the close moved more than 50 % from prev_close',"
            + " run_id STRING",
        " PARTITIONED BY (years(trade_date))",
        "One row per symbol and trade_date.");
    create(
        spark,
        ORDERS,
        "order_id STRING, trading_account_id STRING, symbol STRING, side STRING,"
            + " order_type STRING, quantity INT, limit_price DECIMAL(18,4),"
            + " filled_quantity INT, status STRING, placed_at TIMESTAMP, updated_at TIMESTAMP,"
            + " run_id STRING",
        " PARTITIONED BY (days(placed_at))",
        "One row per order in its latest state.");
    create(
        spark,
        TRADES,
        "trade_id STRING, version INT, order_id STRING, trading_account_id STRING,"
            + " symbol STRING, side STRING, quantity INT, price DECIMAL(18,4),"
            + " fees DECIMAL(18,2), currency STRING, executed_at TIMESTAMP,"
            + " price_verified BOOLEAN COMMENT 'silver held the prices of that day to check it',"
            + " run_id STRING",
        " PARTITIONED BY (days(executed_at))",
        "One row per trade in its highest version.");
    create(
        spark,
        QUARANTINE,
        "rule STRING, reason STRING, source_table STRING, business_key STRING,"
            + " event_date DATE, kafka_partition INT, kafka_offset BIGINT,"
            + " original_row STRING COMMENT 'the bronze row as JSON',"
            + " run_id STRING COMMENT 'the run that quarantined it', quarantined_at TIMESTAMP",
        "",
        "One row per (rule, source message) that a trading rule sent away.");
  }

  private static void create(
      SparkSession spark, String table, String columns, String partitioning, String comment) {
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " ("
            + columns
            + ") USING iceberg"
            + partitioning
            + " COMMENT '"
            + comment.replace("'", "\\'")
            + "'"
            + PROPERTIES);
  }
}
