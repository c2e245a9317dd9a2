package dev.lakehouse.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Hand-made marts in the layout the export publishes (views in schema {@code marts} over versions
 * in {@code marts_data}, the column types PgTypes gives), small enough that every figure a page
 * shows can be checked by hand. Names with markup in them test that pages show text, not HTML.
 */
final class MartsFixture {
  static final String SCRIPT_MERCHANT = "<script>window.__xss = 1</script>Kirana";
  static final String SCRIPT_CITY = "<img src=x onerror=\"window.__xss = 2\">Pune";

  private MartsFixture() {}

  /** One mart: its version table, filled, and the view readers query. */
  private static void mart(Statement s, String name, String columns, String... rows)
      throws SQLException {
    String version = "marts_data." + name + "__0000abcd";
    s.execute("CREATE TABLE " + version + " (" + columns + ")");
    for (String row : rows) {
      s.execute("INSERT INTO " + version + " VALUES " + row);
    }
    s.execute("CREATE VIEW marts." + name + " AS SELECT * FROM " + version);
  }

  static void create(Connection admin) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("CREATE SCHEMA marts");
      s.execute("CREATE SCHEMA marts_data");
      mart(
          s,
          "monthly_kpis",
          "month_start date, revenue_inr numeric(38,2), volume_inr numeric(38,2), txn_count bigint,"
              + " new_customers bigint, active_customers bigint, revenue_growth numeric(38,6),"
              + " volume_growth numeric(38,6), txn_count_growth numeric(38,6),"
              + " new_customers_growth numeric(38,6), active_customers_growth numeric(38,6),"
              + " is_partial_month boolean",
          "('2026-08-01', 1200.50, 250000.00, 400, 30, 120, NULL, NULL, NULL, NULL, NULL, true)",
          "('2026-09-01', 2400.00, 512345.67, 800, 25, 200, NULL, NULL, NULL, NULL, NULL, false)",
          "('2026-10-01', 3000.00, 640000.00, 1000, 20, 250, 0.25, 0.249169, 0.25, -0.2, 0.25,"
              + " false)",
          "('2026-11-01', 100.00, 9000.00, 30, 2, 20, NULL, NULL, NULL, NULL, NULL, true)");
      mart(
          s,
          "monthly_transaction_trend",
          "month_start date, txn_type text, all_status_count bigint, txn_count bigint,"
              + " volume_inr numeric(38,2)",
          "('2026-09-01', 'PAYMENT', 700, 650, 300000.00)",
          "('2026-09-01', 'SALARY', 150, 150, 212345.67)",
          "('2026-10-01', 'PAYMENT', 900, 800, 400000.00)",
          "('2026-10-01', 'SALARY', 200, 200, 240000.00)");
      mart(
          s,
          "customers_per_tier",
          "month_start date, tier integer, customer_count bigint",
          "('2026-09-01', 1, 60)",
          "('2026-09-01', 2, 40)",
          "('2026-10-01', 1, 70)",
          "('2026-10-01', 2, 45)");
      mart(
          s,
          "monthly_statement",
          "account_id text, customer_id text, month_start date, opening_balance_inr"
              + " numeric(38,2), credits_inr numeric(38,2), debits_inr numeric(38,2), fees_inr"
              + " numeric(38,2), closing_balance_inr numeric(38,2), txn_count bigint,"
              + " all_status_count bigint",
          "('A00000001', 'C00000001', '2026-09-01', 500.00, 800.00, 300.00, 0.00, 1000.00, 2, 2)",
          "('A00000001', 'C00000001', '2026-10-01', 1000.00, 50000.00, 1252.50, 2.00, 49747.50,"
              + " 3, 4)",
          "('A00000002', 'C00000002', '2026-10-01', 0.00, 0.00, 0.00, 0.00, 0.00, 0, 0)");
      mart(
          s,
          "dim_merchant",
          "merchant_key text, merchant_id text, name text, category text, city text,"
              + " is_inferred boolean",
          "('M1', 'M1', '" + SCRIPT_MERCHANT + "', 'GROCERY', '" + sql(SCRIPT_CITY) + "', false)",
          "('M2', 'M2', 'Chai & Co', 'FOOD', 'Mumbai', false)");
      mart(
          s,
          "fct_transactions",
          "transaction_id text, date_key integer, event_date date, event_ts timestamptz,"
              + " customer_key text, customer_id text, account_key text, merchant_key text,"
              + " merchant_category text, city_tier integer, txn_type text, channel text, status"
              + " text, currency text, amount numeric(18,2), amount_inr numeric(18,2), fee_inr"
              + " numeric(18,2), balance_effect_inr numeric(18,2)",
          "('T1', 20261001, '2026-10-01', '2026-10-01 09:00:00+00', 'C1@1', 'C00000001',"
              + " 'A00000001', 'NONE', 'NONE', 1, 'SALARY', 'NETBANKING', 'SUCCESS', 'INR',"
              + " 50000.00, 50000.00, 0.00, 50000.00)",
          "('T2', 20261005, '2026-10-05', '2026-10-05 12:30:00+00', 'C1@1', 'C00000001',"
              + " 'A00000001', 'M1', 'GROCERY', 1, 'PAYMENT', 'UPI', 'SUCCESS', 'USD', 15.00,"
              + " 1250.50, 2.00, -1250.50)",
          "('T3', 20261007, '2026-10-07', '2026-10-07 18:00:00+00', 'C1@1', 'C00000001',"
              + " 'A00000001', 'M2', 'FOOD', 1, 'PAYMENT', 'CARD', 'FAILED', 'INR', 300.00,"
              + " 300.00, 0.00, 0.00)",
          "('T4', 20261031, '2026-10-31', '2026-10-31 23:59:59+00', 'C1@1', 'C00000001',"
              + " 'A00000001', 'NONE', 'NONE', 1, 'FEE', 'SYSTEM', 'SUCCESS', 'INR', 2.00, 2.00,"
              + " 0.00, -2.00)",
          // The next month's first second and another account's row stay out of the statement.
          "('T5', 20261101, '2026-11-01', '2026-11-01 00:00:00+00', 'C1@1', 'C00000001',"
              + " 'A00000001', 'NONE', 'NONE', 1, 'SALARY', 'NETBANKING', 'SUCCESS', 'INR',"
              + " 9.00, 9.00, 0.00, 9.00)",
          "('T6', 20261010, '2026-10-10', '2026-10-10 10:00:00+00', 'C2@1', 'C00000002',"
              + " 'A00000002', 'NONE', 'NONE', 2, 'SALARY', 'NETBANKING', 'SUCCESS', 'INR',"
              + " 7.00, 7.00, 0.00, 7.00)");
      mart(
          s,
          "dim_customer",
          "customer_key text, customer_id text, full_name_masked text, city text, city_tier"
              + " integer, is_current boolean",
          "('C1@1', 'C00000001', 'R**** K****', 'Pune', 1, true)",
          "('C2@0', 'C00000002', 'old version', 'Delhi', 1, false)",
          "('C2@1', 'C00000002', 'A**** S****', '" + sql(SCRIPT_CITY) + "', 2, true)",
          "('C3@1', 'C00000003', 'M**** P****', 'Chennai', 3, true)");
      mart(
          s,
          "customers_in_red",
          "as_of_month date, customer_id text, streak_months bigint, month_end_balance_inr"
              + " numeric(38,2)",
          "('2026-10-01', 'C00000002', 4, -1500.25)",
          "('2026-10-01', 'C00000003', 3, -20.00)",
          "('2026-09-01', 'C00000002', 3, -900.00)");
      mart(
          s,
          "high_activity_customers",
          "as_of_month date, customer_id text, streak_months bigint, withdrawals_inr"
              + " numeric(38,2), loans_inr numeric(38,2), investments_inr numeric(38,2)",
          "('2026-10-01', 'C00000001', 5, 120000.00, 0.00, 50000.00)");
      mart(
          s,
          "health_freshness",
          "layer text, table_name text, latest_event_ts timestamptz, last_written_at timestamptz,"
              + " row_count bigint",
          "('bronze', 'bronze.transactions', '2026-10-31 23:59:59+00', '2026-11-01 01:00:00+00',"
              + " 1234)",
          "('silver', 'silver.transactions', '2026-10-31 23:59:59+00', '2026-11-01 01:10:00+00',"
              + " 1200)",
          "('gold', 'gold.fct_transactions', '2026-10-31 23:59:59+00', NULL, 1200)");
      mart(
          s,
          "health_runs",
          "run_id text, job text, mode text, business_date date, status text, started_at"
              + " timestamptz, ended_at timestamptz, rows_read bigint, rows_inserted bigint,"
              + " rows_updated bigint, rows_quarantined bigint, rows_late bigint, message text,"
              + " error text",
          "('r1', 'silver', 'daily', '2026-10-31', 'SUCCESS', '2026-11-01 01:00:00+00',"
              + " '2026-11-01 01:05:00+00', 1200, 1190, 5, 5, 0, NULL, NULL)",
          "('r2', 'gold', 'daily', '2026-10-31', 'FAILED', '2026-11-01 01:06:00+00',"
              + " '2026-11-01 01:07:00+00', 0, 0, 0, 0, 0, NULL, 'disk full')");
      mart(
          s,
          "health_dq_failures",
          "run_id text, table_name text, rule text, severity text, rows_checked bigint,"
              + " rows_failed bigint, description text, checked_at timestamptz",
          "('r1', 'silver.transactions', 'amount_positive', 'quarantine', 1200, 5, 'amount > 0',"
              + " '2026-11-01 01:04:00+00')");
      mart(
          s,
          "health_dead_letters",
          "kafka_topic text, reason_code text, stage text, ingested_date date, dead_letters"
              + " bigint, replayed bigint",
          "('transactions', 'MALFORMED_JSON', 'parse', '2026-10-30', 3, 0)",
          "('transactions', 'MALFORMED_JSON', 'parse', '2026-10-31', 4, 1)",
          "('customers', 'MISSING_FIELD', 'validate', '2026-10-31', 2, 0)");
      mart(
          s,
          "health_late_arrivals",
          "source_table text, event_date date, arrivals bigint, outstanding bigint,"
              + " max_days_late integer, last_arrived_at timestamptz",
          "('bronze.transactions', '2026-10-20', 6, 2, 9, '2026-10-29 10:00:00+00')");
      mart(
          s,
          "health_stream",
          "kafka_topic text, kafka_partition integer, last_offset bigint, consumed bigint,"
              + " bronze_rows bigint, dead_letters bigint, batches bigint, last_batch_at"
              + " timestamptz",
          "('transactions', 0, 99, 100, 96, 4, 3, '2026-11-01 00:59:00+00')",
          "('transactions', 1, 49, 50, 50, 0, 3, '2026-11-01 00:59:00+00')");
      mart(
          s,
          "fraud_alerts",
          "alert_id text, rule text, score double precision, transaction_id text, customer_id"
              + " text, account_id text, txn_type text, amount numeric(18,2), currency text,"
              + " amount_inr numeric(18,2), event_ts timestamptz, detected_ts timestamptz, reason"
              + " text",
          "('velocity:T2', 'velocity', 1.5, 'T2', 'C00000001', 'A00000001', 'PAYMENT', 15.00,"
              + " 'USD', 1250.50, '2026-10-05 12:30:00+00', '2026-10-05 12:30:02+00',"
              + " '6 transactions in 10 minutes')",
          "('amount:T9', 'amount', 2.0, 'T9', 'C00000003', 'A00000003', 'PAYMENT', 99000.00,"
              + " 'INR', 99000.00, '2026-10-05 15:00:00+00', '2026-10-05 15:00:01+00',"
              + " 'amount 9 sigma above the mean')",
          "('velocity:T8', 'velocity', 1.1, 'T8', 'C00000002', 'A00000002', 'PAYMENT', 10.00,"
              + " 'INR', 10.00, '2026-10-06 08:00:00+00', '2026-10-06 08:00:01+00', 'burst')");
      mart(
          s,
          "dim_stock",
          "stock_key text, symbol text, name text, sector text, exchange text, currency text,"
              + " valid_from timestamptz, valid_to timestamptz, is_current boolean",
          "('TSLA@1', 'TSLA', 'Tesla', 'Automotive', 'NASDAQ', 'USD', '2026-01-01 00:00:00+00',"
              + " '9999-12-31 00:00:00+00', true)",
          "('INFY@1', 'INFY', 'Infosys', 'Technology', 'NYSE', 'USD', '2026-01-01 00:00:00+00',"
              + " '9999-12-31 00:00:00+00', true)");
      mart(
          s,
          "mart_stock_performance",
          "symbol text, trade_date date, close numeric(18,4), return_1d numeric(18,8), return_1w"
              + " numeric(18,8), return_1m numeric(18,8), return_ytd numeric(18,8),"
              + " volatility_20d double precision, ma_20 numeric(18,4), ma_50 numeric(18,4), vwap"
              + " numeric(18,4), our_volume bigint, volume bigint, volume_vs_20d numeric(18,4)",
          "('TSLA', '2026-10-29', 200.0000, 0.01, NULL, NULL, 0.1, NULL, NULL, NULL, NULL, NULL,"
              + " 1000, NULL)",
          "('TSLA', '2026-10-30', 210.0000, 0.05, 0.02, NULL, 0.155, NULL, NULL, NULL, 209.5,"
              + " 10, 1200, NULL)",
          "('INFY', '2026-10-30', 20.0000, -0.02, 0.01, NULL, -0.05, NULL, NULL, NULL, NULL,"
              + " NULL, 800, NULL)");
      mart(
          s,
          "mart_sector_performance",
          "trade_date date, sector text, stocks bigint, equal_weighted_return_1d numeric(18,8),"
              + " advancers bigint, decliners bigint, breadth numeric(9,4)",
          "('2026-10-29', 'Automotive', 1, 0.01, 1, 0, 1.0)",
          "('2026-10-30', 'Automotive', 1, 0.05, 1, 0, 1.0)",
          "('2026-10-30', 'Technology', 1, -0.02, 0, 1, 0.0)");
      mart(
          s,
          "health_anomalies",
          "anomaly_id bigint, table_name text, partition_date date, metric text, dimension text,"
              + " strategy text, observed numeric(38,6), expected numeric(38,6), expected_low"
              + " numeric(38,6), expected_high numeric(38,6), score double precision, severity"
              + " text, detail text, detected_at timestamptz",
          "(7, 'silver.transactions', '2026-10-31', 'row_count', '', 'zscore', 120, 400, 340,"
              + " 460, -7.0, 'error', 'row_count of silver.transactions is 120, 7.0 standard"
              + " deviations below the mean 400', '2026-11-01 01:20:00+00')",
          "(6, 'silver.transactions', '2026-10-30', 'null_rate', 'device_id', 'zscore', 0.02, 0,"
              + " 0, 0.02, 4.2, 'warn', 'null_rate(device_id) of silver.transactions is 0.0210',"
              + " '2026-11-01 01:20:00+00')");
      mart(
          s,
          "health_metrics",
          "table_name text, partition_date date, metric text, dimension text, value"
              + " numeric(38,6), expected_low numeric(38,6), expected_high numeric(38,6)",
          "('silver.transactions', '2026-10-29', 'row_count', '', 410, 335, 455)",
          "('silver.transactions', '2026-10-30', 'row_count', '', 395, 338, 458)",
          "('silver.transactions', '2026-10-31', 'row_count', '', 120, 340, 460)");
      s.execute(
          "CREATE TABLE marts.export_manifest (mart text NOT NULL, gold_snapshot_id bigint NOT"
              + " NULL, run_id text NOT NULL, row_count bigint NOT NULL, checksum text NOT NULL,"
              + " exported_at timestamptz NOT NULL DEFAULT now())");
      for (String mart : List.of("monthly_kpis", "monthly_statement")) {
        s.execute(
            "INSERT INTO marts.export_manifest VALUES ('"
                + mart
                + "', 11, 'old-run', 1, '1:1', '2026-10-01 02:00:00+00'), ('"
                + mart
                + "', 12, 'new-run', 4, '4:99', '2026-11-01 02:00:00+00')");
      }
    }
  }

  private static String sql(String text) {
    return text.replace("'", "''");
  }
}
