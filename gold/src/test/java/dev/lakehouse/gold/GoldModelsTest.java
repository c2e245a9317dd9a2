package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.Vocabulary;
import dev.lakehouse.contract.Vocabulary.BalanceEffect;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each gold model's SQL on inline rows registered as temp views, as dbt unit tests do: no Iceberg
 * table is read or written. A view lists the columns its rows give; the others are NULL. The
 * model's rows are cast to its table's columns, as the job does before it writes them. Expected
 * values are computed by hand.
 */
class GoldModelsTest {
  @TempDir static Path dataDir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestLake.spark(TestLake.config(dataDir));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Nested
  class DailyRevenueSummary {
    @Test
    void countsEveryStatusSumsVolumeOfSuccessesAndRatesFailuresAmongSettled() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              "event_date, merchant_category, city_tier, status, amount_inr, fee_inr",
              // a card payment and its fee
              row("2026-01-10", "TRAVEL", 1, "SUCCESS", "200.00", "4.40"),
              // a second one: average ticket (200.00 + 100.01) / 2 = 150.005
              row("2026-01-10", "TRAVEL", 1, "SUCCESS", "100.01", "2.20"),
              // a failure: 1 of the group's 4
              row("2026-01-10", "TRAVEL", 1, "FAILED", "50.00", "0.00"),
              // settled, but neither a success nor a failure
              row("2026-01-10", "TRAVEL", 1, "REVERSED", "30.00", "0.00"),
              // counted, but not settled: outside the failure rate (1 of 4, not 1 of 5)
              row("2026-01-10", "TRAVEL", 1, "PENDING", "40.00", "0.00"),
              // nothing settled yet: no failure rate
              row("2026-01-11", "FOOD", 3, "PENDING", "10.00", "0.00"),
              // an unknown customer: city tier 0
              row("2026-01-10", "NONE", null, "SUCCESS", "500.00", "0.00"),
              // a day without a success: no average ticket
              row("2026-01-11", "NONE", 2, "FAILED", "20.00", "0.00"),
              // after the window
              row("2026-01-12", "TRAVEL", 1, "SUCCESS", "999.00", "9.00")));
      p.put("window_start", LocalDate.of(2026, 1, 10));
      p.put("window_end", LocalDate.of(2026, 1, 11));

      // date, category, tier, txns, successes, volume, revenue, average ticket, failure rate
      assertThat(lines(run("daily_revenue_summary", p), "summary_date", "merchant_category"))
          .containsExactly(
              "[2026-01-10,NONE,0,1,1,500.00,0.00,500.00,0.0000]",
              "[2026-01-10,TRAVEL,1,5,2,300.01,6.60,150.01,0.2500]",
              "[2026-01-11,FOOD,3,1,0,0.00,0.00,null,null]",
              "[2026-01-11,NONE,2,1,0,0.00,0.00,null,1.0000]");
    }
  }

  /**
   * Two transactions at the largest INR amount a DECIMAL(18,2) holds: their sum no longer fits that
   * type, and the mart's columns are wide enough for it (no sum of valid amounts overflows).
   */
  @Test
  void martSumsOfTheLargestAmountsFitTheirColumns() throws Exception {
    GoldTables.createIfMissing(spark);
    try {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              "event_date, merchant_category, city_tier, status, amount_inr, fee_inr",
              row(
                  "2026-01-10",
                  "TRAVEL",
                  1,
                  "SUCCESS",
                  "9999999999999999.99",
                  "9999999999999999.99"),
              row(
                  "2026-01-10",
                  "TRAVEL",
                  1,
                  "SUCCESS",
                  "9999999999999999.99",
                  "9999999999999999.99")));
      p.put("window_start", LocalDate.of(2026, 1, 10));
      p.put("window_end", LocalDate.of(2026, 1, 10));
      Dataset<Row> mart = run("daily_revenue_summary", p);
      mart.selectExpr(spark.table(Tables.GOLD_DAILY_REVENUE_SUMMARY).columns())
          .writeTo(Tables.GOLD_DAILY_REVENUE_SUMMARY)
          .append();
      Row written =
          spark
              .sql("SELECT volume_inr, revenue_inr FROM " + Tables.GOLD_DAILY_REVENUE_SUMMARY)
              .first();
      assertThat(written.getDecimal(0)).isEqualByComparingTo("19999999999999999.98");
      assertThat(written.getDecimal(1)).isEqualByComparingTo("19999999999999999.98");
    } finally {
      for (GoldTables.Spec spec : GoldTables.SPECS) {
        spark.sql("DROP TABLE IF EXISTS " + spec.table() + " PURGE");
      }
    }
  }

  /** A lake gold created before a release that renamed mart columns and added inferred flags. */
  @Test
  void olderGoldTablesAreBroughtToTheirSpec() {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + Tables.GOLD);
    spark.sql(
        "CREATE TABLE "
            + Tables.GOLD_MONTHLY_TRANSACTION_TREND
            + " (month_start DATE, txn_type STRING, txn_count BIGINT, success_count BIGINT,"
            + " volume_inr DECIMAL(18,2)) USING iceberg PARTITIONED BY (month_start)");
    spark.sql(
        "INSERT INTO "
            + Tables.GOLD_MONTHLY_TRANSACTION_TREND
            + " VALUES (DATE '2026-01-01', 'DEPOSIT', 2, 1, 10.00)");
    spark.sql(
        "CREATE TABLE "
            + Tables.GOLD_DIM_ACCOUNT
            + " (account_key STRING, account_id STRING, customer_id STRING, account_type STRING,"
            + " opened_at TIMESTAMP, opening_balance DECIMAL(18,2), overdraft_limit"
            + " DECIMAL(18,2)) USING iceberg");
    spark.sql(
        "INSERT INTO "
            + Tables.GOLD_DIM_ACCOUNT
            + " VALUES ('A1', 'A1', 'C1', 'SAVINGS', NULL, 1000.00, 0.00)");
    try {
      GoldTables.createIfMissing(spark);

      // The mart, rebuilt by the next run anyway, is created again with the new columns ...
      assertThat(spark.table(Tables.GOLD_MONTHLY_TRANSACTION_TREND).columns())
          .containsExactly(
              "month_start", "txn_type", "all_status_count", "txn_count", "volume_inr");
      assertThat(spark.table(Tables.GOLD_MONTHLY_TRANSACTION_TREND).count()).isZero();
      // ... the dimension, which holds history, keeps its rows and gains the flag.
      assertThat(lines(spark.table(Tables.GOLD_DIM_ACCOUNT).drop("opened_at"), "account_key"))
          .containsExactly("[A1,A1,C1,SAVINGS,1000.00,0.00,null]");
      // Every table now matches its spec, and a second call changes nothing.
      for (GoldTables.Spec spec : GoldTables.SPECS) {
        assertThat(
                java.util.Arrays.stream(spark.table(spec.table()).schema().fields())
                    .map(f -> f.name() + " " + f.dataType().sql())
                    .toList())
            .as(spec.table())
            .containsExactlyElementsOf(
                java.util.Arrays.stream(StructType.fromDDL(spec.columns()).fields())
                    .map(f -> f.name() + " " + f.dataType().sql())
                    .toList());
      }
      long dimSnapshots =
          spark
              .sql("SELECT count(*) FROM " + Tables.GOLD_DIM_ACCOUNT + ".snapshots")
              .first()
              .getLong(0);
      GoldTables.createIfMissing(spark);
      assertThat(
              spark
                  .sql("SELECT count(*) FROM " + Tables.GOLD_DIM_ACCOUNT + ".snapshots")
                  .first()
                  .getLong(0))
          .isEqualTo(dimSnapshots);
    } finally {
      for (GoldTables.Spec spec : GoldTables.SPECS) {
        spark.sql("DROP TABLE IF EXISTS " + spec.table() + " PURGE");
      }
    }
  }

  @Nested
  class MonthlyStatement {
    @Test
    void opensWithTheFirstDaysBalanceBeforeItsMovementsAndCountsEveryStatus() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "fct_daily_account_balance",
          view(
              "balances",
              Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE,
              "account_key, customer_id, balance_date, credits_inr, debits_inr,"
                  + " closing_balance_inr",
              // before first_month
              row("A1", "C1", "2026-01-31", "0.00", "0.00", "1000.00"),
              // February opens at 1070 - 100 + 30 = 1000
              row("A1", "C1", "2026-02-01", "100.00", "30.00", "1070.00"),
              row("A1", "C1", "2026-02-15", "0.00", "70.00", "1000.00"),
              // February's last day: its closing
              row("A1", "C1", "2026-02-28", "0.00", "0.00", "1000.00"),
              // March opens at 1050 - 50 = 1000
              row("A1", "C1", "2026-03-05", "50.00", "0.00", "1050.00"),
              // an account without transactions
              row("A2", "C2", "2026-03-10", "0.00", "0.00", "-5.00"),
              // after last_month
              row("A1", "C1", "2026-04-01", "1.00", "0.00", "1051.00")));
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              "account_key, event_date, txn_type, status, amount_inr",
              row("A1", "2026-02-01", "DEPOSIT", "SUCCESS", "100.00"),
              row("A1", "2026-02-01", "CARD_PAYMENT", "SUCCESS", "30.00"),
              row("A1", "2026-02-15", "WITHDRAWAL", "SUCCESS", "50.00"),
              // the month's fees
              row("A1", "2026-02-15", "FEE", "SUCCESS", "20.00"),
              // counted as a transaction, but not a fee
              row("A1", "2026-02-20", "FEE", "FAILED", "5.00"),
              row("A1", "2026-03-05", "DEPOSIT", "SUCCESS", "50.00")));
      p.put("first_month", LocalDate.of(2026, 2, 1));
      p.put("last_month", LocalDate.of(2026, 3, 1));

      // account, customer, month, opening, credits, debits, fees, closing, SUCCESS transactions,
      // transactions in every status
      assertThat(lines(run("monthly_statement", p), "account_id", "month_start"))
          .containsExactly(
              "[A1,C1,2026-02-01,1000.00,100.00,100.00,20.00,1000.00,4,5]",
              "[A1,C1,2026-03-01,1000.00,50.00,0.00,0.00,1050.00,1,1]",
              "[A2,C2,2026-03-01,-5.00,0.00,0.00,0.00,-5.00,0,0]");
    }
  }

  @Nested
  class CustomerMonthly {
    @Test
    void sumsAccountsAtMonthEndAndAveragesTheTrailingThreeMonths() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "fct_daily_account_balance",
          view(
              "balances",
              Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE,
              "account_key, customer_id, balance_date, closing_balance_inr",
              // C1's January and February: before first_month, but in March's average
              row("A1", "C1", "2026-01-31", "900.00"),
              row("A1", "C1", "2026-02-28", "1200.00"),
              // not the month's last day
              row("A1", "C1", "2026-03-15", "3000.00"),
              // C1's March: 2000 on A1 and -100 on A2
              row("A1", "C1", "2026-03-31", "2000.00"),
              row("A2", "C1", "2026-03-31", "-100.00"),
              // C1's April: A1 alone
              row("A1", "C1", "2026-04-30", "1000.00"),
              // C2's first month, in the red
              row("A3", "C2", "2026-03-31", "-50.00"),
              // C2's April: average (-50 + 10050) / 2 = 5000
              row("A3", "C2", "2026-04-30", "10050.00"),
              // an account without a customer: left out
              row("A9", null, "2026-03-31", "77.00")));
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              "customer_id, event_date, txn_type, status, amount_inr",
              // before first_month
              row("C1", "2026-02-10", "WITHDRAWAL", "SUCCESS", "900.00"),
              // above 500: high activity
              row("C1", "2026-03-10", "WITHDRAWAL", "SUCCESS", "600.00"),
              // failed: not counted
              row("C1", "2026-03-11", "WITHDRAWAL", "FAILED", "1000.00"),
              // at the threshold, not above it
              row("C2", "2026-03-12", "LOAN_DISBURSEMENT", "SUCCESS", "500.00"),
              // above 100: high activity
              row("C2", "2026-04-02", "INVESTMENT", "SUCCESS", "100.01"),
              // not one of the three activity measures
              row("C1", "2026-04-03", "DEPOSIT", "SUCCESS", "300.00")));
      p.put("first_month", LocalDate.of(2026, 3, 1));
      p.put("last_month", LocalDate.of(2026, 4, 1));
      p.put("tier_gold", new BigDecimal("1000"));
      p.put("tier_diamond", new BigDecimal("5000"));
      p.put("activity_withdrawals", new BigDecimal("500"));
      p.put("activity_loans", new BigDecimal("500"));
      p.put("activity_investments", new BigDecimal("100"));

      // customer, month, month-end, 3-month average, tier, withdrawals, loans, investments,
      // in the red, high activity
      assertThat(lines(run("customer_monthly", p), "customer_id", "month_start"))
          .containsExactly(
              // average (900 + 1200 + 1900) / 3
              "[C1,2026-03-01,1900.00,1333.33,Gold,600.00,0.00,0.00,false,true]",
              // average (1200 + 1900 + 1000) / 3
              "[C1,2026-04-01,1000.00,1366.67,Gold,0.00,0.00,0.00,false,false]",
              "[C2,2026-03-01,-50.00,-50.00,Bronze,0.00,500.00,0.00,true,false]",
              // Diamond from 5000 on
              "[C2,2026-04-01,10050.00,5000.00,Diamond,0.00,0.00,100.01,false,true]");
    }
  }

  @Nested
  class CustomersInRed {
    @Test
    void reportsAStreakFromItsThirdMonthAndRestartsItAfterABreak() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "customer_monthly",
          view(
              "customer_monthly",
              Tables.GOLD_CUSTOMER_MONTHLY,
              "customer_id, month_start, month_end_balance_inr, is_in_red",
              row("C2", "2026-01-01", "-100.00", true),
              row("C2", "2026-02-01", "-100.00", true),
              // C2's third month in the red: reported
              row("C2", "2026-03-01", "-100.00", true),
              // out of the red: the streak ends
              row("C2", "2026-04-01", "100.00", false),
              row("C2", "2026-05-01", "-100.00", true),
              row("C2", "2026-06-01", "-100.00", true),
              // the new streak's third month
              row("C2", "2026-07-01", "-50.00", true),
              // after last_month
              row("C2", "2026-08-01", "-100.00", true),
              row("C7", "2026-01-01", "10.00", false),
              row("C7", "2026-02-01", "-1.00", true),
              row("C7", "2026-03-01", "-2.00", true),
              // C7's third and fourth months
              row("C7", "2026-04-01", "-3.00", true),
              row("C7", "2026-05-01", "-4.00", true),
              // two months only
              row("C8", "2026-01-01", "-1.00", true),
              row("C8", "2026-02-01", "-1.00", true),
              row("C8", "2026-03-01", "1.00", false),
              // a streak across the new year, in its fourth month at first_month
              row("C9", "2025-12-01", "-9.00", true),
              row("C9", "2026-01-01", "-9.00", true),
              row("C9", "2026-02-01", "-9.00", true),
              row("C9", "2026-03-01", "-9.00", true)));
      p.put("first_month", LocalDate.of(2026, 3, 1));
      p.put("last_month", LocalDate.of(2026, 7, 1));

      // as of, customer, streak months, month-end balance
      assertThat(lines(run("customers_in_red", p), "as_of_month", "customer_id"))
          .containsExactly(
              "[2026-03-01,C2,3,-100.00]",
              "[2026-03-01,C9,4,-9.00]",
              "[2026-04-01,C7,3,-3.00]",
              "[2026-05-01,C7,4,-4.00]",
              "[2026-07-01,C2,3,-50.00]");
    }
  }

  @Nested
  class HighActivityCustomers {
    @Test
    void needsThreeConsecutiveMonths() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "customer_monthly",
          view(
              "customer_monthly",
              Tables.GOLD_CUSTOMER_MONTHLY,
              "customer_id, month_start, withdrawals_inr, loans_inr, investments_inr,"
                  + " is_high_activity",
              row("C5", "2026-01-01", "0.00", "0.00", "2000.00", true),
              row("C5", "2026-02-01", "0.00", "0.00", "2000.00", true),
              // C5's third month: reported with its amounts
              row("C5", "2026-03-01", "0.00", "150000.00", "2000.00", true),
              // a quiet month breaks C6's streak
              row("C6", "2026-01-01", "0.00", "0.00", "5000.00", true),
              row("C6", "2026-02-01", "0.00", "0.00", "0.00", false),
              row("C6", "2026-03-01", "0.00", "0.00", "5000.00", true),
              // C4's second month only at last_month; its third comes after
              row("C4", "2026-02-01", "200000.00", "0.00", "0.00", true),
              row("C4", "2026-03-01", "200000.00", "0.00", "0.00", true),
              row("C4", "2026-04-01", "200000.00", "0.00", "0.00", true)));
      p.put("first_month", LocalDate.of(2026, 3, 1));
      p.put("last_month", LocalDate.of(2026, 3, 1));

      // as of, customer, streak months, withdrawals, loans, investments
      assertThat(lines(run("high_activity_customers", p), "as_of_month"))
          .containsExactly("[2026-03-01,C5,3,0.00,150000.00,2000.00]");
    }
  }

  @Nested
  class MonthlyKpis {
    @Test
    void growthIsAgainstThePreviousMonthAndNullAfterAZeroMonthOrAcrossAPartialOne() {
      java.util.function.Function<String, SqlTemplate.Sql> facts =
          first ->
              view(
                  "fct_transactions",
                  Tables.GOLD_FCT_TRANSACTIONS,
                  "customer_id, event_date, txn_type, status, amount_inr, fee_inr",
                  // January, from its first day: the base of February's growth; two active
                  // customers
                  row("C1", first, "CARD_PAYMENT", "SUCCESS", "100.00", "3.00"),
                  row("C2", "2026-01-06", "CARD_PAYMENT", "SUCCESS", "300.00", "0.00"),
                  // February: revenue growth (2 - 3) / 3
                  row("C1", "2026-02-05", "CARD_PAYMENT", "SUCCESS", "200.00", "2.00"),
                  // C1 again: still one active customer
                  row("C1", "2026-02-06", "WITHDRAWAL", "SUCCESS", "100.00", "0.00"),
                  // a salary credit: volume and a transaction, but C3 is not active for it
                  row("C3", "2026-02-07", "DEPOSIT", "SUCCESS", "50.00", "0.00"),
                  // a failure: no volume, not counted
                  row("C1", "2026-02-07", "CARD_PAYMENT", "FAILED", "1000.00", "0.00"),
                  // March: every measure zero
                  row("C1", "2026-03-05", "CARD_PAYMENT", "FAILED", "50.00", "0.00"),
                  // April: no growth after a zero month
                  row("C2", "2026-04-05", "CARD_PAYMENT", "SUCCESS", "10.00", "1.00"));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("fct_transactions", facts.apply("2026-01-01"));
      p.put(
          "dim_customer",
          view(
              "dim_customer",
              Tables.GOLD_DIM_CUSTOMER,
              "customer_id, signup_ts",
              row("C1", "2026-01-15 06:00:00"),
              // a second version of C1: one new customer still
              row("C1", "2026-01-15 06:00:00"),
              row("C2", "2026-02-03 06:00:00"),
              row("C3", "2026-02-20 06:00:00"),
              // the UNKNOWN member
              row(null, null)));
      p.put("credit_types", SqlTemplate.sql(Vocabulary.sqlList(BalanceEffect.CREDIT)));
      p.put("first_month", LocalDate.of(2026, 2, 1));
      p.put("last_month", LocalDate.of(2026, 4, 1));
      p.put("range_end", LocalDate.of(2026, 4, 30));

      // month, revenue, volume, txns, new customers, active customers, the growth of each, and
      // whether the month is partial
      assertThat(lines(run("monthly_kpis", p), "month_start"))
          .containsExactly(
              // volume (350 - 400) / 400, txns (3 - 2) / 2, new (2 - 1) / 1, active (1 - 2) / 2
              "[2026-02-01,2.00,350.00,3,2,1,-0.3333,-0.1250,0.5000,1.0000,-0.5000,false]",
              "[2026-03-01,0.00,0.00,0,0,0,-1.0000,-1.0000,-1.0000,-1.0000,-1.0000,false]",
              "[2026-04-01,1.00,10.00,1,0,1,null,null,null,null,null,false]");

      // Gold's data ends on March 20: March is partial and has no growth.
      p.put("last_month", LocalDate.of(2026, 3, 1));
      p.put("range_end", LocalDate.of(2026, 3, 20));
      assertThat(lines(run("monthly_kpis", p), "month_start"))
          .containsExactly(
              "[2026-02-01,2.00,350.00,3,2,1,-0.3333,-0.1250,0.5000,1.0000,-0.5000,false]",
              "[2026-03-01,0.00,0.00,0,0,0,null,null,null,null,null,true]");

      // Gold's data starts on January 5: January is partial, so February has no growth either.
      p.put("fct_transactions", facts.apply("2026-01-05"));
      assertThat(lines(run("monthly_kpis", p), "month_start"))
          .startsWith("[2026-02-01,2.00,350.00,3,2,1,null,null,null,null,null,false]");
    }
  }

  @Nested
  class CustomersPerTier {
    @Test
    void countsCustomersPerMonthAndTier() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "customer_monthly",
          view(
              "customer_monthly",
              Tables.GOLD_CUSTOMER_MONTHLY,
              "customer_id, month_start, tier",
              row("C1", "2026-01-01", "Bronze"),
              row("C2", "2026-01-01", "Bronze"),
              row("C3", "2026-01-01", "Gold"),
              row("C5", "2026-01-01", "Diamond"),
              // February: no Bronze row at all
              row("C1", "2026-02-01", "Gold"),
              // after last_month
              row("C1", "2026-03-01", "Gold")));
      p.put("first_month", LocalDate.of(2026, 1, 1));
      p.put("last_month", LocalDate.of(2026, 2, 1));

      assertThat(lines(run("customers_per_tier", p), "month_start", "tier"))
          .containsExactly(
              "[2026-01-01,Bronze,2]",
              "[2026-01-01,Diamond,1]",
              "[2026-01-01,Gold,1]",
              "[2026-02-01,Gold,1]");
    }
  }

  @Nested
  class MonthlyTransactionTrend {
    @Test
    void countsEveryStatusButVolumeOnlySuccesses() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              "event_date, txn_type, status, amount_inr",
              // before first_month
              row("2025-12-31", "DEPOSIT", "SUCCESS", "1.00"),
              row("2026-01-10", "CARD_PAYMENT", "SUCCESS", "200.00"),
              // counted, no volume
              row("2026-01-12", "CARD_PAYMENT", "REVERSED", "100.00"),
              row("2026-01-05", "DEPOSIT", "SUCCESS", "500.00"),
              row("2026-01-20", "DEPOSIT", "SUCCESS", "50.00"),
              // no success: volume 0
              row("2026-01-15", "WITHDRAWAL", "FAILED", "300.00"),
              // after last_month
              row("2026-02-01", "CARD_PAYMENT", "SUCCESS", "1.00")));
      p.put("first_month", LocalDate.of(2026, 1, 1));
      p.put("last_month", LocalDate.of(2026, 1, 1));

      // month, type, txns, successes, volume
      assertThat(lines(run("monthly_transaction_trend", p), "txn_type"))
          .containsExactly(
              "[2026-01-01,CARD_PAYMENT,2,1,200.00]",
              "[2026-01-01,DEPOSIT,2,2,550.00]",
              "[2026-01-01,WITHDRAWAL,1,0,0.00]");
    }
  }

  @Nested
  class FctDailyAccountBalance {
    private static final String ACCOUNTS = "account_key, customer_id, opened_at, opening_balance";
    private static final String EFFECTS = "account_key, event_date, balance_effect_inr";

    @Test
    void carriesTheBalanceFromBeforeTheWindowAndStartsOnTheOpeningDay() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "dim_account",
          view(
              "dim_account",
              Tables.GOLD_DIM_ACCOUNT,
              ACCOUNTS,
              row("A1", "C1", "2025-12-01 06:00:00", "1000.00"),
              // opens inside the window
              row("A2", "C2", "2026-01-05 10:00:00", "0.00"),
              // never gets a balance
              row("UNKNOWN", null, null, "0.00")));
      p.put(
          "fct_transactions",
          view(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              EFFECTS,
              // before the window: 1000 + 500 - 200 = 1300 at its start
              row("A1", "2026-01-01", "500.00"),
              row("A1", "2026-01-02", "-200.00"),
              // a debit and a credit the same day
              row("A1", "2026-01-04", "-30.00"),
              row("A1", "2026-01-04", "10.00"),
              // a REVERSED or FAILED transaction: no effect
              row("A1", "2026-01-05", "0.00"),
              row("A2", "2026-01-05", "50.00"),
              // after range_end
              row("A1", "2026-01-07", "1000.00"),
              row("UNKNOWN", "2026-01-04", "5.00")));
      p.put("window_start", LocalDate.of(2026, 1, 3));
      p.put("range_end", LocalDate.of(2026, 1, 6));

      // account, customer, day, date_key, credits, debits, closing
      assertThat(lines(run("fct_daily_account_balance", p), "account_key", "balance_date"))
          .containsExactly(
              "[A1,C1,2026-01-03,20260103,0.00,0.00,1300.00]",
              "[A1,C1,2026-01-04,20260104,10.00,30.00,1280.00]",
              "[A1,C1,2026-01-05,20260105,0.00,0.00,1280.00]",
              "[A1,C1,2026-01-06,20260106,0.00,0.00,1280.00]",
              // from the day it opened
              "[A2,C2,2026-01-05,20260105,50.00,0.00,50.00]",
              "[A2,C2,2026-01-06,20260106,0.00,0.00,50.00]");
    }

    @Test
    void withoutAnyFactTheBalancesStartAtTheWindow() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "dim_account",
          view(
              "dim_account",
              Tables.GOLD_DIM_ACCOUNT,
              ACCOUNTS,
              // opened long before gold's first fact
              row("A1", "C1", "2025-12-01 06:00:00", "1000.00")));
      p.put("fct_transactions", view("fct_transactions", Tables.GOLD_FCT_TRANSACTIONS, EFFECTS));
      p.put("window_start", LocalDate.of(2026, 1, 3));
      p.put("range_end", LocalDate.of(2026, 1, 4));

      assertThat(lines(run("fct_daily_account_balance", p), "balance_date"))
          .containsExactly(
              "[A1,C1,2026-01-03,20260103,0.00,0.00,1000.00]",
              "[A1,C1,2026-01-04,20260104,0.00,0.00,1000.00]");
    }
  }

  @Nested
  class FctTransactions {
    private static final String SILVER =
        "transaction_id STRING, status STRING, txn_type STRING, account_id STRING, customer_id"
            + " STRING, amount DECIMAL(18,2), currency STRING, amount_inr DECIMAL(18,2), channel"
            + " STRING, event_ts TIMESTAMP, merchant_id STRING";

    private Map<String, Object> parameters() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "silver_transactions",
          view(
              "silver_transactions",
              SILVER,
              List.of(
                  // a travel card payment: fee 200 x 2.20 % = 4.40
                  SilverRows.tx(
                      "T1", "A1", "CARD_PAYMENT", "200.00", "SUCCESS", "2026-01-05", "M1"),
                  // a credit, after C1 moved: C1's second version
                  SilverRows.tx("T2", "A1", "DEPOSIT", "500.00", "SUCCESS", "2026-01-06", null),
                  // reversed: no fee, no effect
                  SilverRows.tx(
                      "T3", "A1", "CARD_PAYMENT", "100.00", "REVERSED", "2026-01-06", "M2"),
                  // account, customer and merchant unknown: fee 100 x 1.80 % = 1.80
                  SilverRows.tx(
                      "T4", "A404", "CARD_PAYMENT", "100.00", "SUCCESS", "2026-01-06", "M9"),
                  // failed: no fee, no effect
                  SilverRows.tx("T5", "A1", "WITHDRAWAL", "300.00", "FAILED", "2026-01-06", null),
                  // a fixed fee of 20.00
                  SilverRows.tx("T6", "A1", "WITHDRAWAL", "50.00", "SUCCESS", "2026-01-06", null),
                  // after the window, and before it
                  SilverRows.tx("T7", "A1", "DEPOSIT", "1.00", "SUCCESS", "2026-01-07", null),
                  SilverRows.tx("T8", "A1", "DEPOSIT", "1.00", "SUCCESS", "2026-01-04", null))));
      p.put(
          "dim_customer",
          view(
              "dim_customer",
              Tables.GOLD_DIM_CUSTOMER,
              "customer_key, customer_id, city_tier, valid_from, valid_to, is_current",
              // C1 moved to a tier 2 city on January 6
              row("C1@1", "C1", 1, "2025-12-01 00:00:00", "2026-01-06 00:00:00", false),
              row("C1@2", "C1", 2, "2026-01-06 00:00:00", null, true),
              row("UNKNOWN", null, null, "1970-01-01 00:00:00", null, true)));
      p.put(
          "dim_account",
          view(
              "dim_account",
              Tables.GOLD_DIM_ACCOUNT,
              "account_key, account_id, customer_id",
              row("A1", "A1", "C1"),
              row("UNKNOWN", null, null)));
      p.put(
          "dim_merchant",
          view(
              "dim_merchant",
              Tables.GOLD_DIM_MERCHANT,
              "merchant_key, merchant_id, category",
              row("M1", "M1", "TRAVEL"),
              row("M2", "M2", "GROCERY"),
              row("UNKNOWN", null, "UNKNOWN"),
              row("NONE", null, "NONE")));
      p.put("window_start_ts", LocalDateTime.of(2026, 1, 5, 0, 0));
      p.put("window_end_exclusive_ts", LocalDateTime.of(2026, 1, 7, 0, 0));
      String fees = "CARD_PAYMENT=180+0,CARD_PAYMENT:TRAVEL=220+0,WITHDRAWAL=0+20.00";
      p.put("fee_inr", SqlTemplate.sql(new FeeSchedule(fees).sql()));
      p.put("credit_types", SqlTemplate.sql(Vocabulary.sqlList(BalanceEffect.CREDIT)));
      return p;
    }

    @Test
    void joinsTheVersionValidAtEventTimeAndFallsBackToUnknownMembers() {
      Dataset<Row> facts =
          run("fct_transactions", parameters())
              .selectExpr(
                  "transaction_id",
                  "date_key",
                  "event_date",
                  "customer_key",
                  "account_key",
                  "merchant_key",
                  "merchant_category",
                  "city_tier",
                  "fee_inr",
                  "balance_effect_inr");

      // id, date_key, date, customer, account, merchant, category, tier, fee, effect
      assertThat(lines(facts, "transaction_id"))
          .containsExactly(
              "[T1,20260105,2026-01-05,C1@1,A1,M1,TRAVEL,1,4.40,-200.00]",
              "[T2,20260106,2026-01-06,C1@2,A1,NONE,NONE,2,0.00,500.00]",
              "[T3,20260106,2026-01-06,C1@2,A1,M2,GROCERY,2,0.00,0.00]",
              "[T4,20260106,2026-01-06,UNKNOWN,UNKNOWN,UNKNOWN,UNKNOWN,null,1.80,-100.00]",
              "[T5,20260106,2026-01-06,C1@2,A1,NONE,NONE,2,0.00,0.00]",
              "[T6,20260106,2026-01-06,C1@2,A1,NONE,NONE,2,20.00,-50.00]");
    }

    /** The table holds hashes from earlier runs: the same hash keeps an unchanged row as it is. */
    @Test
    void rowHashIsTheHashOfEveryOtherColumnInOrder() {
      Dataset<Row> rows = spark.sql(GoldModels.named("fct_transactions").sql(parameters()));
      Dataset<Row> rehashed = LakehouseSpark.withRowHash(rows.drop("row_hash"));

      assertThat(lines(rows.select("transaction_id", "row_hash"), "transaction_id"))
          .hasSize(6)
          .isEqualTo(lines(rehashed.select("transaction_id", "row_hash"), "transaction_id"));
    }
  }

  @Nested
  class Dimensions {
    private static final String SILVER_CUSTOMERS =
        "customer_id STRING, full_name_masked STRING, email_domain STRING, birth_year INT,"
            + " city STRING, state STRING, city_tier INT, signup_ts TIMESTAMP, kyc_status STRING,"
            + " updated_at TIMESTAMP";
    private static final String VERSIONS =
        "customer_key, customer_id, full_name_masked, city, state, city_tier, kyc_status,"
            + " signup_ts, valid_from, valid_to, is_current";

    @Test
    void accountsAndMerchantsGetTheirUnknownAndInferredMembers() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "silver_accounts",
          view(
              "silver_accounts",
              "account_id STRING, customer_id STRING, account_type STRING, opened_at TIMESTAMP,"
                  + " opening_balance DECIMAL(18,2), overdraft_limit DECIMAL(18,2)",
              List.of(SilverRows.account("A1", "C1", "1000.00"))));
      p.put(
          "silver_merchants",
          view(
              "silver_merchants",
              "merchant_id STRING, name STRING, category STRING, city STRING",
              List.of(SilverRows.merchant("M1", "TRAVEL"))));
      p.put(
          "silver_transactions",
          view(
              "silver_transactions",
              "transaction_id STRING, account_id STRING, customer_id STRING, merchant_id STRING,"
                  + " event_ts TIMESTAMP",
              List.of(
                  SilverRows.tx("T1", "A1", "CARD_PAYMENT", "10.00", "SUCCESS", "2026-01-05", "M1"),
                  // an account and a merchant silver does not know yet: inferred members
                  SilverRows.tx("T2", "A7", "CARD_PAYMENT", "10.00", "SUCCESS", "2026-01-05", "M7"),
                  SilverRows.tx("T3", "A7", "CARD_PAYMENT", "10.00", "SUCCESS", "2026-01-06", "M7"),
                  // outside the window: its members come with its own window
                  SilverRows.tx(
                      "T4", "A8", "CARD_PAYMENT", "10.00", "SUCCESS", "2026-01-09", "M8"))));
      p.put("window_start_ts", LocalDateTime.of(2026, 1, 5, 0, 0));
      p.put("window_end_exclusive_ts", LocalDateTime.of(2026, 1, 7, 0, 0));

      Map<String, Object> forAccounts = new LinkedHashMap<>(p);
      forAccounts.remove("silver_merchants");
      Map<String, Object> forMerchants = new LinkedHashMap<>(p);
      forMerchants.remove("silver_accounts");
      assertThat(lines(run("dim_account", forAccounts).drop("opened_at"), "account_key"))
          .containsExactly(
              "[A1,A1,C1,SAVINGS,1000.00,0.00,false]",
              // keyed by its own id, with the customer its transactions name
              "[A7,A7,C7,UNKNOWN,0.00,0.00,true]",
              // for facts that cannot name an account
              "[UNKNOWN,null,null,UNKNOWN,0.00,0.00,false]");
      assertThat(lines(run("dim_merchant", forMerchants), "merchant_key"))
          .containsExactly(
              "[M1,M1,M1 Ltd,TRAVEL,Pune,false]",
              "[M7,M7,null,UNKNOWN,null,true]",
              // for transactions without a merchant
              "[NONE,null,No merchant,NONE,null,false]",
              // for facts that cannot name a merchant
              "[UNKNOWN,null,Unknown merchant,UNKNOWN,null,false]");
    }

    @Test
    void customerChangesAreNewMovedCorrectedType1OrSameAndGiveTheNextVersions() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "silver_customers",
          view(
              "silver_customers",
              SILVER_CUSTOMERS,
              "customer_id, full_name_masked, city, state, city_tier, kyc_status, signup_ts,"
                  + " updated_at",
              // unchanged
              customer("C1", "Pune", "VERIFIED", "2025-12-01", "2025-12-01"),
              // moved to Mumbai on February 1
              customer("C2", "Mumbai", "VERIFIED", "2025-12-01", "2026-02-01"),
              // KYC done: updated in place
              customer("C3", "Pune", "VERIFIED", "2025-12-01", "2026-01-20"),
              // signed up on January 5
              customer("C4", "Pune", "PENDING", "2026-01-05", "2026-01-06"),
              // back after its only version closed
              customer("C5", "Pune", "VERIFIED", "2025-12-01", "2026-02-10"),
              // its move to Nagpur on February 1 corrected to Nashik, with the same updated_at
              customer("C7", "Nashik", "VERIFIED", "2025-12-01", "2026-02-01")));
      p.put(
          "dim_customer",
          view(
              "dim_customer",
              Tables.GOLD_DIM_CUSTOMER,
              VERSIONS,
              version("C1@20251201060000", "C1", "Pune", "VERIFIED", "2025-12-01 06:00:00", null),
              // an older, closed version of C2
              version(
                  "C2@20251101060000",
                  "C2",
                  "Delhi",
                  "VERIFIED",
                  "2025-11-01 06:00:00",
                  "2025-12-15 06:00:00"),
              version("C2@20251215060000", "C2", "Pune", "VERIFIED", "2025-12-15 06:00:00", null),
              version("C3@20251201060000", "C3", "Pune", "PENDING", "2025-12-01 06:00:00", null),
              // closed, and no current version
              version(
                  "C5@20251201060000",
                  "C5",
                  "Pune",
                  "VERIFIED",
                  "2025-12-01 06:00:00",
                  "2026-01-10 06:00:00"),
              // not in silver: left alone
              version("C6@20251201060000", "C6", "Pune", "VERIFIED", "2025-12-01 06:00:00", null),
              version(
                  "C7@20251201060000",
                  "C7",
                  "Pune",
                  "VERIFIED",
                  "2025-12-01 06:00:00",
                  "2026-02-01 06:00:00"),
              version(
                  "C7@20260201060000", "C7", "Nagpur", "VERIFIED", "2026-02-01 06:00:00", null)));
      Dataset<Row> changes = spark.sql(GoldModels.named("dim_customer_changes").sql(p));

      // customer, change, current version, end of the last closed version
      assertThat(
              lines(
                  changes.selectExpr(
                      "customer_id",
                      "change",
                      "current_key",
                      "date_format(last_valid_to, 'yyyy-MM-dd HH:mm')"),
                  "customer_id"))
          .containsExactly(
              "[C1,same,C1@20251201060000,null]",
              "[C2,moved,C2@20251215060000,2025-12-15 06:00]",
              "[C3,type1,C3@20251201060000,null]",
              "[C4,new,null,null]",
              "[C5,new,null,2026-01-10 06:00]",
              "[C7,corrected,C7@20260201060000,2026-02-01 06:00]");

      changes.createOrReplaceTempView("customer_changes");
      Dataset<Row> versions =
          spark.sql(
              template("dim_customer_versions")
                  .render(Map.of("customer_changes", SqlTemplate.table("customer_changes"))));
      // inserted by position
      assertThat(versions.columns()).containsExactly(dimCustomerColumns());
      assertThat(
              lines(
                  versions.selectExpr(
                      "customer_key",
                      "city",
                      "kyc_status",
                      "date_format(valid_from, 'yyyy-MM-dd HH:mm')",
                      "valid_to",
                      "is_current"),
                  "customer_key"))
          .containsExactly(
              // from the move
              "[C2@20260201060000,Mumbai,VERIFIED,2026-02-01 06:00,null,true]",
              // from signup, the earlier of signup and update
              "[C4@20260105060000,Pune,PENDING,2026-01-05 06:00,null,true]",
              // from where its last version ended
              "[C5@20260110060000,Pune,VERIFIED,2026-01-10 06:00,null,true]");
    }

    @Test
    void theUnknownCustomerIsValidFromTheEpoch() {
      Dataset<Row> unknown = spark.sql(template("dim_customer_unknown").render(Map.of()));

      assertThat(unknown.columns()).containsExactly(dimCustomerColumns());
      assertThat(
              lines(
                  unknown.selectExpr(
                      "customer_key",
                      "customer_id",
                      "city",
                      "date_format(valid_from, 'yyyy-MM-dd HH:mm')",
                      "valid_to",
                      "is_current")))
          .containsExactly("[UNKNOWN,null,UNKNOWN,1970-01-01 00:00,null,true]");
    }

    @Test
    void datesSpanTheWindowAndEveryTransactionDate() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(
          "silver_transactions",
          view(
              "silver_transactions",
              "event_ts TIMESTAMP",
              "event_ts",
              // a late transaction from before the window
              row("2025-12-31 23:59:59"),
              row("2026-01-02 06:00:00")));
      p.put("window_start", LocalDate.of(2026, 1, 1));
      // no transaction yet on the window's last day
      p.put("window_end", LocalDate.of(2026, 1, 3));

      // key, date, year, quarter, month, month start, day, day of week (Sunday 1), name, weekend
      assertThat(lines(run("dim_date", p), "date_key"))
          .containsExactly(
              "[20251231,2025-12-31,2025,4,12,2025-12-01,31,4,Wednesday,false]",
              "[20260101,2026-01-01,2026,1,1,2026-01-01,1,5,Thursday,false]",
              "[20260102,2026-01-02,2026,1,1,2026-01-01,2,6,Friday,false]",
              "[20260103,2026-01-03,2026,1,1,2026-01-01,3,7,Saturday,true]");
    }

    /** A silver customer; signup and update at 06:00 UTC on the given dates. */
    private Object[] customer(String id, String city, String kyc, String signup, String updated) {
      return row(id, "X***", city, "MH", 1, kyc, signup + " 06:00:00", updated + " 06:00:00");
    }

    private Object[] version(
        String key, String id, String city, String kyc, String from, String to) {
      return row(key, id, "X***", city, "MH", 1, kyc, "2025-12-01 06:00:00", from, to, to == null);
    }

    private String[] dimCustomerColumns() {
      return StructType.fromDDL(GoldTables.columns(Tables.GOLD_DIM_CUSTOMER)).fieldNames();
    }
  }

  // ----------------------------------------------------------------------------------------------

  /** A model's rows, cast to its table's columns as the job does before it writes them. */
  static Dataset<Row> run(String name, Map<String, Object> parameters) {
    GoldModel model = GoldModels.named(name);
    assertThat(parameters.keySet())
        .as("parameters of " + name)
        .containsExactlyInAnyOrderElementsOf(model.parameters());
    StructType target = StructType.fromDDL(GoldTables.columns(model.target()));
    return spark.sql(model.sql(parameters)).selectExpr(ModelWriter.castTo(target));
  }

  static SqlTemplate template(String model) {
    return GoldModel.template(GoldModel.MODELS + model);
  }

  static Object[] row(Object... values) {
    return values;
  }

  /**
   * Registers rows as a temp view with the columns of a gold table (or of a DDL string) and returns
   * it, to bind to a model's parameter. {@code given} names the columns the rows give, in order;
   * the others are NULL. Dates, timestamps (UTC) and amounts are written as text.
   */
  static SqlTemplate.Sql view(String name, String tableOrDdl, String given, Object[]... rows) {
    List<String> columns = Arrays.stream(given.split(",")).map(String::trim).toList();
    List<Map<String, Object>> maps = new ArrayList<>();
    for (Object[] r : rows) {
      assertThat(r).as("a row of " + name).hasSameSizeAs(columns);
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < r.length; i++) {
        m.put(columns.get(i), r[i]);
      }
      maps.add(m);
    }
    StructType schema = schema(tableOrDdl);
    assertThat(schema.fieldNames())
        .as("columns of " + name)
        .contains(columns.toArray(String[]::new));
    return view(name, tableOrDdl, maps);
  }

  /**
   * Registers rows given as column-to-value maps (such as {@link SilverRows}'); extra keys ignored.
   */
  static SqlTemplate.Sql view(String name, String tableOrDdl, List<Map<String, Object>> rows) {
    StructType schema = schema(tableOrDdl);
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      Object[] values = new Object[schema.size()];
      for (int i = 0; i < schema.size(); i++) {
        StructField f = schema.fields()[i];
        values[i] = value(f.dataType(), m.get(f.name()));
      }
      out.add(RowFactory.create(values));
    }
    spark.createDataFrame(out, schema).createOrReplaceTempView(name);
    return SqlTemplate.table(name);
  }

  private static StructType schema(String tableOrDdl) {
    return StructType.fromDDL(
        tableOrDdl.startsWith(Tables.GOLD + ".") ? GoldTables.columns(tableOrDdl) : tableOrDdl);
  }

  private static Object value(DataType type, Object v) {
    if (v instanceof String s) {
      if (type instanceof DateType) {
        return Date.valueOf(s);
      } else if (type instanceof TimestampType) {
        return Timestamp.from(LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
      } else if (type instanceof DecimalType) {
        return new BigDecimal(s);
      }
    } else if (v instanceof Integer i && type instanceof LongType) {
      return i.longValue();
    }
    return v;
  }

  /** The rows as text, ordered by the given columns. */
  static List<String> lines(Dataset<Row> rows, String... orderBy) {
    Dataset<Row> ordered =
        orderBy.length == 0
            ? rows
            : rows.orderBy(orderBy[0], Arrays.copyOfRange(orderBy, 1, orderBy.length));
    return ordered.collectAsList().stream().map(Row::toString).toList();
  }
}
