package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.silver.SilverTables;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mart on hand-built silver rows, January to July 2026, with exact numbers. Fee schedule:
 * card payments 1.80 %, 2.20 % for travel; nothing else except FEE transactions. Tiers: Gold from
 * 100,000, Diamond from 500,000. High activity: investments above 1,000 in a month.
 */
class GoldMartsTest {
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;

  @BeforeAll
  static void buildGold() {
    config =
        TestLake.config(
            dataDir,
            Settings.GOLD_FEE_SCHEDULE + "=CARD_PAYMENT=180+0,CARD_PAYMENT:TRAVEL=220+0",
            Settings.GOLD_ACTIVITY_THRESHOLDS
                + "=withdrawals=100000,loans=100000,investments=1000");
    spark = TestLake.spark(config);
    SilverTables.createIfMissing(spark);
    List<Map<String, Object>> customers = new ArrayList<>();
    List<Map<String, Object>> accounts = new ArrayList<>();
    String[][] people = {
      {"C1", "1000.00"}, // everyday spender
      {"C2", "0.00"}, // in the red Jan-Mar, out in April, back in May-Jul
      {"C3", "100000.00"}, // exactly the Gold threshold
      {"C4", "99999.99"}, // one paisa under it
      {"C5", "510000.00"} // Diamond, invests 2,000 a month Jan-Mar
    };
    for (String[] p : people) {
      customers.add(SilverRows.customer(p[0]));
      accounts.add(SilverRows.account("A" + p[0].substring(1), p[0], p[1]));
    }
    append(Tables.SILVER_CUSTOMERS, customers);
    append(Tables.SILVER_ACCOUNTS, accounts);
    append(
        Tables.SILVER_MERCHANTS,
        List.of(SilverRows.merchant("M1", "TRAVEL"), SilverRows.merchant("M2", "GROCERY")));
    append(
        Tables.SILVER_TRANSACTIONS,
        List.of(
            tx("A1", "DEPOSIT", "500.00", "SUCCESS", "2026-01-05", null),
            tx("A1", "CARD_PAYMENT", "200.00", "SUCCESS", "2026-01-10", "M1"), // fee 4.40
            tx("A1", "CARD_PAYMENT", "100.00", "REVERSED", "2026-01-12", "M2"), // no effect, no fee
            tx("A1", "WITHDRAWAL", "300.00", "FAILED", "2026-01-15", null), // no effect
            tx("A1", "FEE", "10.00", "SUCCESS", "2026-02-02", null), // revenue 10, debit 10
            tx("A1", "CARD_PAYMENT", "100.00", "SUCCESS", "2026-04-20", "M2"), // fee 1.80
            tx("A2", "WITHDRAWAL", "100.00", "SUCCESS", "2026-01-03", null),
            tx("A2", "DEPOSIT", "200.00", "SUCCESS", "2026-04-03", null),
            tx("A2", "WITHDRAWAL", "200.00", "SUCCESS", "2026-05-03", null),
            tx("A5", "INVESTMENT", "2000.00", "SUCCESS", "2026-01-07", null),
            tx("A5", "INVESTMENT", "2000.00", "SUCCESS", "2026-02-07", null),
            tx("A5", "INVESTMENT", "2000.00", "SUCCESS", "2026-03-07", null),
            tx(
                "A404",
                "DEPOSIT",
                "50.00",
                "SUCCESS",
                "2026-01-20",
                null))); // account not known yet
    GoldJob.runRange(spark, config, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 7, 31));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String rows(String sql) {
    return spark.sql(sql).collectAsList().toString();
  }

  @Test
  void statementsCarryBalancesAcrossAReversalAndFromMonthToMonth() {
    assertThat(
            rows(
                "SELECT month_start, opening_balance_inr, credits_inr, debits_inr, fees_inr,"
                    + " closing_balance_inr, all_status_count FROM gold.monthly_statement WHERE"
                    + " account_id = 'A1' AND month_start <= DATE '2026-02-01' ORDER BY"
                    + " month_start"))
        .isEqualTo(
            "[[2026-01-01,1000.00,500.00,200.00,0.00,1300.00,4],"
                + " [2026-02-01,1300.00,0.00,10.00,10.00,1290.00,1]]");
    assertThat(
            rows(
                "SELECT closing_balance_inr FROM gold.fct_daily_account_balance WHERE account_key ="
                    + " 'A1' AND balance_date = DATE '2026-01-12'"))
        .isEqualTo("[[1300.00]]");
  }

  @Test
  void dailyRevenueCountsFeesVolumeAndFailures() {
    assertThat(
            rows(
                "SELECT merchant_category, city_tier, all_status_count, txn_count, volume_inr,"
                    + " revenue_inr, avg_ticket_inr, failure_rate FROM gold.daily_revenue_summary"
                    + " WHERE summary_date = DATE '2026-01-10'"))
        .isEqualTo("[[TRAVEL,1,1,1,200.00,4.40,200.00,0.0000]]");
    assertThat(
            rows(
                "SELECT all_status_count, txn_count, failure_rate FROM gold.daily_revenue_summary"
                    + " WHERE summary_date = DATE '2026-01-15'"))
        .isEqualTo("[[1,0,1.0000]]");
  }

  @Test
  void aRedStreakIsReportedFromItsThirdMonthAndRestartsAfterABreak() {
    assertThat(
            rows(
                "SELECT as_of_month, streak_months, month_end_balance_inr FROM"
                    + " gold.customers_in_red WHERE customer_id = 'C2' ORDER BY as_of_month"))
        .isEqualTo("[[2026-03-01,3,-100.00], [2026-07-01,3,-100.00]]");
    assertThat(rows("SELECT count(*) FROM gold.customers_in_red WHERE customer_id <> 'C2'"))
        .isEqualTo("[[0]]");
  }

  @Test
  void highActivityNeedsThreeConsecutiveMonths() {
    assertThat(
            rows(
                "SELECT as_of_month, customer_id, streak_months, investments_inr FROM"
                    + " gold.high_activity_customers"))
        .isEqualTo("[[2026-03-01,C5,3,2000.00]]");
  }

  @Test
  void tierBoundariesAreInclusive() {
    assertThat(
            rows(
                "SELECT customer_id, tier FROM gold.customer_monthly WHERE month_start = DATE"
                    + " '2026-01-01' ORDER BY customer_id"))
        // C404, whose account silver does not know yet, counts through its inferred account
        .isEqualTo(
            "[[C1,Bronze], [C2,Bronze], [C3,Gold], [C4,Bronze], [C404,Bronze], [C5,Diamond]]");
    assertThat(
            rows(
                "SELECT tier, customer_count FROM gold.customers_per_tier WHERE month_start = DATE"
                    + " '2026-01-01' ORDER BY tier"))
        .isEqualTo("[[Bronze,4], [Diamond,1], [Gold,1]]");
  }

  @Test
  void monthOverMonthGrowthIsNullAfterAZeroMonthOrAPartialOne() {
    // Gold's facts start on 01-03, so January is partial and February has no growth against it;
    // March falls to zero; April has no growth after a zero month.
    assertThat(
            rows(
                "SELECT month_start, revenue_inr, revenue_growth, is_partial_month FROM"
                    + " gold.monthly_kpis WHERE month_start <= DATE '2026-04-01' ORDER BY"
                    + " month_start"))
        .isEqualTo(
            "[[2026-01-01,4.40,null,true], [2026-02-01,10.00,null,false],"
                + " [2026-03-01,0.00,-1.0000,false], [2026-04-01,1.80,null,false]]");
  }

  @Test
  void monthlyTrendCountsEveryStatusButVolumeOnlySuccesses() {
    assertThat(
            rows(
                "SELECT txn_type, all_status_count, txn_count, volume_inr FROM"
                    + " gold.monthly_transaction_trend WHERE month_start = DATE '2026-01-01' ORDER"
                    + " BY txn_type"))
        .isEqualTo(
            "[[CARD_PAYMENT,2,1,200.00], [DEPOSIT,2,2,550.00], [INVESTMENT,1,1,2000.00],"
                + " [WITHDRAWAL,2,1,100.00]]");
  }

  @Test
  void factsNameLateReferenceDataThroughInferredMembers() {
    assertThat(
            rows(
                "SELECT account_key, customer_key, merchant_key FROM gold.fct_transactions f"
                    + " WHERE f.amount = 50.00"))
        .isEqualTo("[[A404,C404@19700101000000,NONE]]");
    assertThat(
            rows(
                "SELECT account_type, is_inferred FROM gold.dim_account WHERE account_key ="
                    + " 'A404'"))
        .isEqualTo("[[UNKNOWN,true]]");
    assertThat(
            rows(
                "SELECT count(*) FROM gold.fct_transactions f"
                    + " LEFT ANTI JOIN gold.dim_account a ON a.account_key = f.account_key"))
        .isEqualTo("[[0]]");
    assertThat(
            rows(
                "SELECT count(*) FROM gold.fct_transactions f"
                    + " LEFT ANTI JOIN gold.dim_customer c ON c.customer_key = f.customer_key"))
        .isEqualTo("[[0]]");
    assertThat(
            rows(
                "SELECT count(*) FROM gold.fct_transactions f"
                    + " LEFT ANTI JOIN gold.dim_merchant m ON m.merchant_key = f.merchant_key"))
        .isEqualTo("[[0]]");
    assertThat(
            rows(
                "SELECT count(*) FROM gold.fct_transactions f"
                    + " LEFT ANTI JOIN gold.dim_date d ON d.date_key = f.date_key"))
        .isEqualTo("[[0]]");
  }

  // ----------------------------------------------------------------------------------------------

  static Map<String, Object> tx(
      String account, String type, String amount, String status, String date, String merchant) {
    return SilverRows.tx(account, type, amount, status, date, merchant);
  }

  static void append(String table, List<Map<String, Object>> rows) {
    SilverRows.append(spark, table, rows);
  }
}
