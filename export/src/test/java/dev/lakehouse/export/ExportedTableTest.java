package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExportedTableTest {

  @Test
  void theExportCopiesThePaymentMartsAndDimensionsThenTheTradingOnesThenFactsAndAlerts() {
    assertThat(PostgresExporter.exportedTables())
        .containsExactly(
            "gold.daily_revenue_summary",
            "gold.monthly_statement",
            "gold.customers_in_red",
            "gold.high_activity_customers",
            "gold.monthly_kpis",
            "gold.customers_per_tier",
            "gold.monthly_transaction_trend",
            "gold.dim_customer",
            "gold.dim_account",
            "gold.dim_merchant",
            "gold.dim_date",
            "gold.mart_account_summary",
            "gold.mart_daily_trading",
            "gold.mart_stock_performance",
            "gold.mart_sector_performance",
            "gold.dim_stock",
            "gold.dim_trading_account",
            "gold.fct_transactions",
            "fraud.alerts");
  }

  @Test
  void thePostgresqlNameIsTheGoldNameWithoutItsNamespace() {
    assertThat(ExportedTable.ALL)
        .extracting(ExportedTable::name)
        .containsExactly(
            "daily_revenue_summary",
            "monthly_statement",
            "customers_in_red",
            "high_activity_customers",
            "monthly_kpis",
            "customers_per_tier",
            "monthly_transaction_trend",
            "dim_customer",
            "dim_account",
            "dim_merchant",
            "dim_date",
            "mart_account_summary",
            "mart_daily_trading",
            "mart_stock_performance",
            "mart_sector_performance",
            "dim_stock",
            "dim_trading_account",
            "fct_transactions",
            "fraud_alerts",
            "health_runs",
            "health_dq_failures",
            "health_dead_letters",
            "health_late_arrivals",
            "health_freshness",
            "health_stream",
            "health_anomalies",
            "health_metrics");
  }

  @Test
  void aStatementIsIndexedByAccountAndMonthAndByCustomer() {
    ExportedTable statement = table("monthly_statement");
    assertThat(statement.indexes())
        .containsExactly(List.of("account_id", "month_start"), List.of("customer_id"));
  }

  @Test
  void aStatementsPrimaryKeyIsItsGrainAccountAndMonthWhoseIndexServesTheFirstIndex() {
    ExportedTable statement = table("monthly_statement");
    assertThat(statement.primaryKey()).containsExactly("account_id", "month_start");
    assertThat(statement.servedByPrimaryKey(List.of("account_id", "month_start"))).isTrue();
    assertThat(statement.servedByPrimaryKey(List.of("account_id"))).isTrue(); // a leading part
    assertThat(statement.servedByPrimaryKey(List.of("month_start"))).isFalse();
    assertThat(statement.servedByPrimaryKey(List.of("customer_id"))).isFalse();
  }

  @Test
  void theVersionNameCarriesTheRunSuffix() {
    ExportedTable date = table("dim_date");
    assertThat(date.versionName("1a2b3c4d")).isEqualTo("dim_date__1a2b3c4d");
    assertThat(date.isVersion("dim_date__1a2b3c4d")).isTrue();
    assertThat(date.isVersion("dim_date__1a2b3c4")).isFalse(); // not a run suffix
    assertThat(date.isVersion("dim_date_backup")).isFalse(); // someone else's table
    assertThat(table("dim_customer").isVersion("dim_date__1a2b3c4d")).isFalse();
  }

  static ExportedTable table(String name) {
    return ExportedTable.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
