package dev.lakehouse.export;

import dev.lakehouse.common.Tables;
import java.util.List;

/**
 * One gold table the export publishes: its name in PostgreSQL (schema {@code marts}) and the
 * indexes dashboards filter by, each a list of columns.
 */
record ExportedTable(String goldTable, String name, List<List<String>> indexes) {

  /** Every exported table, in the order the export stages them. */
  static final List<ExportedTable> ALL =
      List.of(
          of(
              Tables.GOLD_DAILY_REVENUE_SUMMARY,
              List.of("summary_date"),
              List.of("merchant_category")),
          of(
              Tables.GOLD_MONTHLY_STATEMENT,
              List.of("account_id", "month_start"),
              List.of("customer_id")),
          of(Tables.GOLD_CUSTOMERS_IN_RED, List.of("as_of_month"), List.of("customer_id")),
          of(Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS, List.of("as_of_month"), List.of("customer_id")),
          of(Tables.GOLD_MONTHLY_KPIS, List.of("month_start")),
          of(Tables.GOLD_CUSTOMERS_PER_TIER, List.of("month_start")),
          of(Tables.GOLD_MONTHLY_TRANSACTION_TREND, List.of("month_start"), List.of("txn_type")),
          of(Tables.GOLD_DIM_CUSTOMER, List.of("customer_id")),
          of(Tables.GOLD_DIM_ACCOUNT, List.of("account_id"), List.of("customer_id")),
          of(Tables.GOLD_DIM_MERCHANT, List.of("merchant_id")),
          of(Tables.GOLD_DIM_DATE, List.of("date")));

  ExportedTable {
    indexes = indexes.stream().map(List::copyOf).toList();
  }

  /** The table under its gold name without the namespace, which is its name in PostgreSQL. */
  @SafeVarargs
  static ExportedTable of(String goldTable, List<String>... indexes) {
    return new ExportedTable(
        goldTable, goldTable.substring(goldTable.indexOf('.') + 1), List.of(indexes));
  }

  /** The staging table of one export run; the suffix keeps concurrent runs apart. */
  String stagingName(String suffix) {
    return name + "__stage_" + suffix;
  }
}
