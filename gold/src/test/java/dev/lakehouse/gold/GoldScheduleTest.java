package dev.lakehouse.gold;

import static dev.lakehouse.gold.SilverRows.account;
import static dev.lakehouse.gold.SilverRows.customer;
import static dev.lakehouse.gold.SilverRows.merchant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TableSnapshots;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.silver.SilverTables;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gold on the incremental path when the schedule is not the happy one. Gold runs for 03-03, then
 * not again until 03-10; in between silver lands days gold never saw, settles an old transaction,
 * receives an account, a merchant and a customer that transactions already used, and corrects an
 * opening balance from January. Silver is written directly (appends and updates, committed as
 * silver's own MERGEs would be). Lookback 3 days: gold for D asks for D-3..D. Fees: card payments
 * 1.80 %, 2.20 % at travel merchants. Every expected number is worked out in the comments.
 */
class GoldScheduleTest {
  static final String FEES = "CARD_PAYMENT=180+0,CARD_PAYMENT:TRAVEL=220+0";
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;

  /** fct_transactions after the 03-03 run: id, account key, merchant category, fee. */
  static String factsOn0303;

  static String inferredOn0303;
  static String a2On0303;
  static String a6On0303;
  static String revenueOn0303;

  static GoldResult runOn0310;
  static TableSnapshots built;

  @BeforeAll
  static void goldRunsOn0303AndThenOn0310() {
    config = TestLake.config(dataDir, Settings.GOLD_FEE_SCHEDULE + "=" + FEES);
    spark = TestLake.spark(config);
    SilverTables.createIfMissing(spark);
    silver(Tables.SILVER_CUSTOMERS, customer("C1"), customer("C2"), customer("C4"));
    Map<String, Object> a4 = account("A4", "C4", "0.00");
    a4.put("opened_at", SilverRows.ts("2026-03-02")); // opened after its first deposit
    silver(
        Tables.SILVER_ACCOUNTS,
        account("A1", "C1", "1000.00"),
        account("A3", "C3", "0.00"), // customer C3 arrives late
        a4,
        account("A6", "C1", "1000.00")); // opening balance corrected later to 1500.00
    silver(
        Tables.SILVER_TRANSACTIONS,
        SilverRows.tx("T1", "A1", "DEPOSIT", "100.00", "SUCCESS", "2026-03-01", null),
        SilverRows.tx(
            "T2", "A1", "WITHDRAWAL", "40.00", "PENDING", "2026-03-02", null), // settles later
        SilverRows.tx(
            "T7", "A2", "DEPOSIT", "500.00", "SUCCESS", "2026-03-01", null), // account A2 late
        SilverRows.tx(
            "T8", "A1", "CARD_PAYMENT", "1000.00", "SUCCESS", "2026-03-02", "M9"), // M9 late
        SilverRows.tx("T9", "A3", "DEPOSIT", "70.00", "SUCCESS", "2026-03-02", null),
        SilverRows.tx("T10", "A4", "DEPOSIT", "100.00", "SUCCESS", "2026-03-01", null),
        SilverRows.tx("T11", "A6", "DEPOSIT", "100.00", "SUCCESS", "2026-01-10", null),
        // a February card payment, reversed after the 03-03 run
        SilverRows.tx("T12", "A6", "CARD_PAYMENT", "300.00", "SUCCESS", "2026-02-15", null));
    goldDaily("2026-03-03");
    a6On0303 = statements("A6");
    revenueOn0303 =
        rows(
            "SELECT sum(revenue_inr) FROM gold.daily_revenue_summary WHERE summary_date = DATE"
                + " '2026-02-15'");
    factsOn0303 = rows("SELECT " + FACT_COLUMNS + " FROM gold.fct_transactions ORDER BY 1");
    inferredOn0303 = inferred();
    a2On0303 = balances("A2");

    // Gold does not run 03-04..03-09. Silver lands 03-04..03-06 and 03-10, settles T2, receives
    // A2 (opening 0), M9 (travel) and C3 (city tier 2), and corrects A6's opening balance.
    silver(
        Tables.SILVER_TRANSACTIONS,
        SilverRows.tx("T3", "A1", "DEPOSIT", "10.00", "SUCCESS", "2026-03-04", null),
        SilverRows.tx("T4", "A1", "DEPOSIT", "20.00", "SUCCESS", "2026-03-05", null),
        SilverRows.tx("T5", "A1", "DEPOSIT", "30.00", "SUCCESS", "2026-03-06", null),
        SilverRows.tx("T6", "A1", "DEPOSIT", "5.00", "SUCCESS", "2026-03-10", null));
    spark.sql("UPDATE silver.transactions SET status = 'SUCCESS' WHERE transaction_id = 'T2'");
    spark.sql("UPDATE silver.transactions SET status = 'REVERSED' WHERE transaction_id = 'T12'");
    Map<String, Object> a2 = account("A2", "C2", "0.00");
    a2.put("opened_at", SilverRows.ts("2026-03-01"));
    silver(Tables.SILVER_ACCOUNTS, a2);
    silver(Tables.SILVER_MERCHANTS, merchant("M9", "TRAVEL"));
    Map<String, Object> c3 = customer("C3");
    c3.put("city_tier", 2);
    silver(Tables.SILVER_CUSTOMERS, c3);
    spark.sql("UPDATE silver.accounts SET opening_balance = 1500.00 WHERE account_id = 'A6'");
    // C1 moves to Mumbai on 03-05 and on to Delhi on 03-08, two silver commits between the runs;
    // C2 moves to Chennai on 03-06, corrected to Kochi with the same updated_at.
    move("C1", "Mumbai", "2026-03-05");
    move("C1", "Delhi", "2026-03-08");
    move("C2", "Chennai", "2026-03-06");
    move("C2", "Kochi", "2026-03-06");
    runOn0310 = goldDaily("2026-03-10");
    built = TableSnapshots.of(spark);
  }

  @AfterEach
  void restoreTheBuiltLake() {
    built.restore(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static final String FACT_COLUMNS =
      "transaction_id, account_key, merchant_category, fee_inr, customer_key <> 'UNKNOWN',"
          + " city_tier";

  @SafeVarargs
  static void silver(String table, Map<String, Object>... rows) {
    SilverRows.append(spark, table, List.of(rows));
  }

  static void move(String customer, String city, String date) {
    spark.sql(
        "UPDATE silver.customers SET city = '"
            + city
            + "', updated_at = TIMESTAMP '"
            + date
            + " 06:00:00' WHERE customer_id = '"
            + customer
            + "'");
  }

  static GoldResult goldDaily(String date) {
    return GoldJob.runDaily(spark, config, LocalDate.parse(date));
  }

  static String rows(String sql) {
    return spark.sql(sql).collectAsList().toString();
  }

  /** An account's daily balances from March on. */
  static String balances(String account) {
    return rows(
        "SELECT date_format(balance_date, 'MM-dd'), closing_balance_inr FROM"
            + " gold.fct_daily_account_balance WHERE account_key = '"
            + account
            + "' AND balance_date >= DATE '2026-03-01' ORDER BY balance_date");
  }

  /** The inferred members of the three dimensions. */
  static String inferred() {
    return rows(
        "SELECT 'account', account_key FROM gold.dim_account WHERE is_inferred UNION ALL SELECT"
            + " 'customer', customer_key FROM gold.dim_customer WHERE is_inferred UNION ALL"
            + " SELECT 'merchant', merchant_key FROM gold.dim_merchant WHERE is_inferred ORDER BY"
            + " 1, 2");
  }

  static String statements(String account) {
    return rows(
        "SELECT month_start, opening_balance_inr, credits_inr, debits_inr, closing_balance_inr,"
            + " all_status_count FROM gold.monthly_statement WHERE account_id = '"
            + account
            + "' ORDER BY month_start");
  }

  @Test
  void theRunAfterSkippedDaysCatchesUpEveryDateSilverChanged() {
    // Asked for 03-07..03-10; silver changed 01-10 and 02-15 (A6, T12), 03-01 (A2), 03-02 (T2, M9,
    // C3) and 03-04..03-06 besides.
    assertThat(runOn0310.windowStart()).isEqualTo(LocalDate.parse("2026-01-10"));
    assertThat(runOn0310.windowEnd()).isEqualTo(LocalDate.parse("2026-03-10"));
    assertThat(runOn0310.catchUp()).contains("caught up 7 date(s) outside 2026-03-07..2026-03-10");
    assertThat(rows("SELECT status FROM gold.fct_transactions WHERE transaction_id = 'T2'"))
        .isEqualTo("[[SUCCESS]]");
    assertThat(rows("SELECT count(*) FROM gold.fct_transactions")).isEqualTo("[[12]]");
    // Every balance row from 01-10 on was rewritten, and the run says how many.
    assertThat(runOn0310.rowsWritten().get(Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE))
        .isEqualTo(
            spark.sql("SELECT count(*) FROM gold.fct_daily_account_balance").first().getLong(0))
        .isPositive();
    // A1 (opened in December, balances from gold's first day, 01-10): 1000 + 100 on 03-01; -40 (T2)
    // and -1000 (T8) on 03-02; +10, +20, +30 on 03-04..06; +5
    // on 03-10.
    assertThat(balances("A1"))
        .isEqualTo(
            "[[03-01,1100.00], [03-02,60.00], [03-03,60.00], [03-04,70.00], [03-05,90.00],"
                + " [03-06,120.00], [03-07,120.00], [03-08,120.00], [03-09,120.00],"
                + " [03-10,125.00]]");
    assertThat(statements("A1"))
        .isEqualTo(
            "[[2026-01-01,1000.00,0.00,0.00,1000.00,0], [2026-02-01,1000.00,0.00,0.00,1000.00,0],"
                + " [2026-03-01,1000.00,165.00,1040.00,125.00,7]]");
  }

  @Test
  void lateAccountMerchantAndCustomerRowsCompleteTheirInferredMembersInPlace() {
    // On 03-03 the facts name A2, M9 and C3 before silver knows them: each gets an inferred member
    // under its own key (T11's customer C6 is never known). M9's category is unknown until then,
    // so T8 pays the card rate, 1.80 % of 1000; C3's tier is unknown.
    assertThat(inferredOn0303)
        .isEqualTo(
            "[[account,A2], [customer,C3@19700101000000], [customer,C6@19700101000000],"
                + " [merchant,M9]]");
    assertThat(factsOn0303)
        .contains("[T7,A2,NONE,0.00,true,1]")
        .contains("[T8,A1,UNKNOWN,18.00,true,1]")
        .contains("[T9,A3,NONE,0.00,true,null]");
    // A2's deposit counts in its balances from its first day, at an opening balance of 0.
    assertThat(a2On0303).isEqualTo("[[03-01,500.00], [03-02,500.00], [03-03,500.00]]");
    // On 03-10 the members are completed in place: same keys, no longer inferred, one version.
    assertThat(inferred()).isEqualTo("[[customer,C6@19700101000000]]");
    assertThat(
            rows(
                "SELECT customer_key, city_tier, valid_from FROM gold.dim_customer WHERE"
                    + " customer_id = 'C3'"))
        .isEqualTo("[[C3@19700101000000,2,1970-01-01 00:00:00.0]]");
    assertThat(rows("SELECT account_type FROM gold.dim_account WHERE account_key = 'A2'"))
        .isNotEqualTo("[[UNKNOWN]]");
    // On 03-10: A2 known, M9 a travel merchant (2.20 % of 1000), C3 known with tier 2.
    assertThat(
            rows(
                "SELECT "
                    + FACT_COLUMNS
                    + " FROM gold.fct_transactions WHERE transaction_id IN ('T7', 'T8', 'T9')"
                    + " ORDER BY 1"))
        .isEqualTo(
            "[[T7,A2,NONE,0.00,true,1], [T8,A1,TRAVEL,22.00,true,1], [T9,A3,NONE,0.00,true,2]]");
    // A2, opened on 03-01, counts its deposit from that day on.
    assertThat(
            rows(
                "SELECT min(balance_date) FROM gold.fct_daily_account_balance WHERE account_key ="
                    + " 'A2'"))
        .isEqualTo("[[2026-03-01]]");
    assertThat(balances("A2")).startsWith("[[03-01,500.00], [03-02,500.00],");
    assertThat(balances("A2")).endsWith("[03-10,500.00]]");
    assertThat(
            rows(
                "SELECT summary_date, merchant_category, revenue_inr FROM"
                    + " gold.daily_revenue_summary WHERE revenue_inr > 0"))
        .isEqualTo("[[2026-03-02,TRAVEL,22.00]]");
  }

  @Test
  void everyCustomerChangeBetweenRunsIsAVersionAndACorrectionReplacesOne() {
    assertThat(
            rows(
                "SELECT customer_id, city, date_format(valid_from, 'MM-dd HH:mm'),"
                    + " date_format(valid_to, 'MM-dd HH:mm'), is_current FROM gold.dim_customer"
                    + " WHERE customer_id IN ('C1', 'C2') ORDER BY customer_id, valid_from"))
        .isEqualTo(
            "[[C1,Pune,12-01 06:00,03-05 06:00,false], [C1,Mumbai,03-05 06:00,03-08 06:00,false],"
                + " [C1,Delhi,03-08 06:00,null,true], [C2,Pune,12-01 06:00,03-06 06:00,false],"
                + " [C2,Kochi,03-06 06:00,null,true]]");
    // Each fact joins the one version valid when it happened: T1 (03-01) and T7 (C2, 03-01) in
    // Pune, T4 (03-05 06:00) in Mumbai, T6 (03-10) in Delhi.
    assertThat(
            rows(
                "SELECT f.transaction_id, d.city FROM gold.fct_transactions f JOIN"
                    + " gold.dim_customer d ON d.customer_key = f.customer_key WHERE"
                    + " f.transaction_id IN ('T1', 'T4', 'T6', 'T7') ORDER BY 1"))
        .isEqualTo("[[T1,Pune], [T4,Mumbai], [T6,Delhi], [T7,Pune]]");
    assertThat(rows("SELECT count(DISTINCT customer_key), count(*) FROM gold.dim_customer"))
        .as("no key twice")
        .isEqualTo(rows("SELECT count(*), count(*) FROM gold.dim_customer"));
  }

  @Test
  void aMoveRebuildsFromItsDateOnAndDimensionOnlyChangesRebuildNoDate() {
    // After the 03-10 run: C1 (transactions since 03-01) moves to Chennai on 03-09, A1's overdraft
    // limit rises and M9 moves to Goa. Only C1's facts from 03-09 on can change, and 03-10 is in
    // the daily window 03-07..03-10: nothing to catch up.
    move("C1", "Chennai", "2026-03-09");
    spark.sql("UPDATE silver.accounts SET overdraft_limit = 5000.00 WHERE account_id = 'A1'");
    spark.sql("UPDATE silver.merchants SET city = 'Goa' WHERE merchant_id = 'M9'");
    GoldResult next = goldDaily("2026-03-10");
    assertThat(next.windowStart()).isEqualTo(LocalDate.parse("2026-03-07"));
    assertThat(next.catchUp()).isNull();
    // T6 (03-10) joins the Chennai version; T4 (03-05) keeps Mumbai, T1 (03-01) Pune.
    assertThat(
            rows(
                "SELECT f.transaction_id, d.city FROM gold.fct_transactions f JOIN"
                    + " gold.dim_customer d ON d.customer_key = f.customer_key WHERE"
                    + " f.transaction_id IN ('T1', 'T4', 'T6') ORDER BY 1"))
        .isEqualTo("[[T1,Pune], [T4,Mumbai], [T6,Chennai]]");
    // The dimensions carry the other two changes all the same.
    assertThat(rows("SELECT overdraft_limit FROM gold.dim_account WHERE account_key = 'A1'"))
        .isEqualTo("[[5000.00]]");
    assertThat(rows("SELECT city FROM gold.dim_merchant WHERE merchant_key = 'M9'"))
        .isEqualTo("[[Goa]]");
    // The narrower window missed nothing: rebuilding every date gives the same gold.
    String narrowed = everyGoldTable();
    assertThat(GoldJob.restate(spark, config, null, LocalDate.parse("2026-03-10")).status())
        .isEqualTo("SUCCESS");
    assertThat(everyGoldTable()).isEqualTo(narrowed);
  }

  /** Every row of every gold table, in a stable order. */
  static String everyGoldTable() {
    StringBuilder sb = new StringBuilder();
    for (org.apache.spark.sql.Row t : spark.sql("SHOW TABLES IN gold").collectAsList()) {
      sb.append(t.getString(1))
          .append(rows("SELECT * FROM gold." + t.getString(1) + " ORDER BY 1, 2, 3"))
          .append('\n');
    }
    return sb.toString();
  }

  @Test
  void aTransactionBeforeTheAccountOpenedStartsItsBalancesAndStatement() {
    // A4 opened 03-02 with 0; its 100 deposit on 03-01 starts the series.
    assertThat(
            rows(
                "SELECT min(balance_date) FROM gold.fct_daily_account_balance WHERE account_key ="
                    + " 'A4'"))
        .isEqualTo("[[2026-03-01]]");
    assertThat(balances("A4")).startsWith("[[03-01,100.00], [03-02,100.00],");
    assertThat(statements("A4")).isEqualTo("[[2026-03-01,0.00,100.00,0.00,100.00,1]]");
  }

  @Test
  void anOpeningBalanceCorrectedLaterMovesEveryLaterBalance() {
    // 1500 (corrected from 1000) + 100 on 01-10, then nothing: every month from January moves.
    // February's card payment was reversed: listed (every status), no effect.
    assertThat(statements("A6"))
        .isEqualTo(
            "[[2026-01-01,1500.00,100.00,0.00,1600.00,1], [2026-02-01,1600.00,0.00,0.00,1600.00,1],"
                + " [2026-03-01,1600.00,0.00,0.00,1600.00,0]]");
  }

  @Test
  void aLateReversalInAnEarlierMonthUndoesItsDebitAndFeeThereAndInEveryLaterMonth() {
    // On 03-03: 1000 + 100 in January; February pays 300 (fee 1.80 % = 5.40) and closes at 800.
    assertThat(a6On0303)
        .isEqualTo(
            "[[2026-01-01,1000.00,100.00,0.00,1100.00,1],"
                + " [2026-02-01,1100.00,0.00,300.00,800.00,1],"
                + " [2026-03-01,800.00,0.00,0.00,800.00,0]]");
    assertThat(revenueOn0303).isEqualTo("[[5.40]]");
    // On 03-10 the reversal (with the corrected opening) is in February and every later month.
    assertThat(statements("A6")).contains("[2026-02-01,1600.00,0.00,0.00,1600.00,1]");
    assertThat(
            rows(
                "SELECT sum(revenue_inr) FROM gold.daily_revenue_summary WHERE summary_date ="
                    + " DATE '2026-02-15'"))
        .isEqualTo("[[0.00]]");
    assertThat(balances("A6")).startsWith("[[03-01,1600.00],");
  }

  @Test
  void withNothingChangedInSilverAnyDateIsARecordedNoop() {
    long snapshots = spark.sql("SELECT * FROM gold.fct_transactions.snapshots").count();
    assertThat(goldDaily("2026-03-10").status()).isEqualTo("NOOP");
    assertThat(goldDaily("2026-03-05").status()).isEqualTo("NOOP");
    assertThat(spark.sql("SELECT * FROM gold.fct_transactions.snapshots").count())
        .isEqualTo(snapshots);
    assertThat(rows("SELECT count(*) FROM ops.runs WHERE job = 'gold' AND status = 'NOOP'"))
        .isEqualTo("[[2]]");
  }

  @Test
  void aRestateRecomputesFromItsDateOnAndChangesNothingThatWasRight() {
    String before =
        rows("SELECT * FROM gold.fct_daily_account_balance ORDER BY account_key, balance_date")
            + rows("SELECT * FROM gold.monthly_statement ORDER BY account_id, month_start");
    GoldResult restated =
        GoldJob.restate(
            spark, config, LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-10"));
    assertThat(restated.status()).isEqualTo("SUCCESS");
    assertThat(restated.windowStart()).isEqualTo(LocalDate.parse("2026-03-01"));
    assertThat(restated.windowEnd()).isEqualTo(LocalDate.parse("2026-03-10"));
    assertThat(
            rows("SELECT * FROM gold.fct_daily_account_balance ORDER BY account_key, balance_date")
                + rows("SELECT * FROM gold.monthly_statement ORDER BY account_id, month_start"))
        .isEqualTo(before);
  }

  @Test
  void aChangedFeeScheduleIsNotANoopAndRefeesTheWholeHistory() {
    LakehouseConfig cheaper =
        TestLake.config(dataDir, Settings.GOLD_FEE_SCHEDULE + "=CARD_PAYMENT=100+0");
    GoldResult refeed = GoldJob.runDaily(spark, cheaper, LocalDate.parse("2026-03-10"));
    assertThat(refeed.status()).isEqualTo("SUCCESS");
    assertThat(refeed.catchUp())
        .contains("rebuilt every date from 2026-01-10")
        .contains("gold.fee-schedule");
    // 1 % of T8's 1000, whatever the category.
    assertThat(rows("SELECT sum(fee_inr) FROM gold.fct_transactions")).isEqualTo("[[10.00]]");
    assertThat(rows("SELECT sum(revenue_inr) FROM gold.monthly_kpis")).isEqualTo("[[10.00]]");
    assertThat(GoldJob.runDaily(spark, cheaper, LocalDate.parse("2026-03-10")).status())
        .isEqualTo("NOOP");
  }
}
