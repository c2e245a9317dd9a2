package dev.lakehouse.export;

import dev.lakehouse.common.Tables;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One table the export publishes: its name in PostgreSQL (the view {@code marts.<name>}), the
 * primary key of its grain (none for a health summary), and the indexes dashboards filter by, each
 * a list of columns. Most are a gold table copied as it is; the pipeline-health summaries are
 * {@link Derivation}s, a query over the ops and bronze tables.
 */
record ExportedTable(
    String goldTable,
    String name,
    List<String> primaryKey,
    List<List<String>> indexes,
    Derivation derivation) {

  /**
   * A table computed by Spark SQL queries at export time rather than copied from one table: the
   * union of its queries whose source table exists (empty, with the declared columns, while none
   * does). It has no snapshot of its own: the export publishes it when its content (count and
   * checksum) differs from the published one.
   */
  record Derivation(String grain, String columnsDdl, List<Query> queries) {
    Derivation {
      queries = List.copyOf(queries);
    }

    /** One query and the table it reads. */
    record Query(String source, String sql) {}

    List<String> sources() {
      return queries.stream().map(Query::source).toList();
    }
  }

  /** Every exported table, in the order the export stages them. */
  static final List<ExportedTable> ALL =
      List.of(
          of(
              Tables.GOLD_DAILY_REVENUE_SUMMARY,
              List.of("summary_date", "merchant_category", "city_tier"),
              List.of("summary_date"),
              List.of("merchant_category")),
          of(
              Tables.GOLD_MONTHLY_STATEMENT,
              List.of("account_id", "month_start"),
              List.of("account_id", "month_start"),
              List.of("customer_id")),
          of(
              Tables.GOLD_CUSTOMERS_IN_RED,
              List.of("as_of_month", "customer_id"),
              List.of("as_of_month"),
              List.of("customer_id")),
          of(
              Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS,
              List.of("as_of_month", "customer_id"),
              List.of("as_of_month"),
              List.of("customer_id")),
          of(Tables.GOLD_MONTHLY_KPIS, List.of("month_start"), List.of("month_start")),
          of(
              Tables.GOLD_CUSTOMERS_PER_TIER,
              List.of("month_start", "tier"),
              List.of("month_start")),
          of(
              Tables.GOLD_MONTHLY_TRANSACTION_TREND,
              List.of("month_start", "txn_type"),
              List.of("month_start"),
              List.of("txn_type")),
          of(Tables.GOLD_DIM_CUSTOMER, List.of("customer_key"), List.of("customer_id")),
          of(
              Tables.GOLD_DIM_ACCOUNT,
              List.of("account_key"),
              List.of("account_id"),
              List.of("customer_id")),
          of(Tables.GOLD_DIM_MERCHANT, List.of("merchant_key"), List.of("merchant_id")),
          of(Tables.GOLD_DIM_DATE, List.of("date_key"), List.of("date")),
          of("gold.mart_account_summary", List.of("trading_account_id")),
          of("gold.mart_daily_trading", List.of("trade_date")),
          of("gold.mart_stock_performance", List.of("symbol", "trade_date"), List.of("trade_date")),
          of("gold.mart_sector_performance", List.of("trade_date", "sector"), List.of("sector")),
          of("gold.dim_stock", List.of("stock_key"), List.of("symbol")),
          of("gold.dim_trading_account", List.of("trading_account_id")),
          of(
              Tables.GOLD_FCT_TRANSACTIONS,
              List.of("transaction_id"),
              List.of("account_key", "event_ts"),
              List.of("event_date")),
          new ExportedTable(
              Tables.FRAUD_ALERTS,
              "fraud_alerts",
              List.of("alert_id"),
              List.of(List.of("event_ts"), List.of("customer_id"), List.of("rule")),
              null),
          HealthTables.RUNS,
          HealthTables.DQ_FAILURES,
          HealthTables.DEAD_LETTERS,
          HealthTables.LATE_ARRIVALS,
          HealthTables.FRESHNESS,
          HealthTables.STREAM,
          HealthTables.ANOMALIES,
          HealthTables.METRICS);

  /** The run suffix of a version's name: the first 8 hex digits of the export's run id. */
  private static final Pattern SUFFIX = Pattern.compile("[0-9a-f]{8}");

  ExportedTable {
    primaryKey = List.copyOf(primaryKey);
    indexes = indexes.stream().map(List::copyOf).toList();
  }

  /** The table under its gold name without the namespace, which is its name in PostgreSQL. */
  @SafeVarargs
  static ExportedTable of(String goldTable, List<String> primaryKey, List<String>... indexes) {
    return new ExportedTable(
        goldTable,
        goldTable.substring(goldTable.indexOf('.') + 1),
        primaryKey,
        List.of(indexes),
        null);
  }

  /** A health summary published as {@code marts.<name>}, computed by its derivation. */
  static ExportedTable derived(String name, Derivation derivation) {
    return new ExportedTable("ops." + name, name, List.of(), List.of(), derivation);
  }

  boolean isDerived() {
    return derivation != null;
  }

  /**
   * The version of this table one export run writes (schema {@code marts_data}); the suffix names
   * the run and keeps it apart from the version the view shows meanwhile.
   */
  String versionName(String suffix) {
    return name + "__" + suffix;
  }

  /** True when {@code table} is a name {@link #versionName} gives, for any run. */
  boolean isVersion(String table) {
    String prefix = name + "__";
    return table.startsWith(prefix) && SUFFIX.matcher(table.substring(prefix.length())).matches();
  }

  /**
   * True when the primary key's own index serves an index on {@code columns}: they are the key's
   * leading columns, in order.
   */
  boolean servedByPrimaryKey(List<String> columns) {
    return columns.size() <= primaryKey.size()
        && primaryKey.subList(0, columns.size()).equals(columns);
  }
}
