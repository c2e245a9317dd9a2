package dev.lakehouse.silver;

import static dev.lakehouse.silver.BronzeFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.bronze.BronzeTables;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.DataQualityException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver end to end on hand-built bronze rows. The tests share one SparkSession and lake, but each
 * starts from empty tables (all of bronze, silver and ops dropped and created again) and writes the
 * bronze rows it needs, so they run in any order.
 */
class SilverJobTest {
  static final LocalDate D = LocalDate.of(2026, 11, 10);
  @TempDir static Path dataDir;
  static LakehouseConfig config;
  static SparkSession spark;
  BronzeFixture bronze;

  @BeforeAll
  static void start() {
    // The fixtures are a handful of rows, most of them broken on purpose: the quarantine ratio
    // of the audit is tested on its own (aDateTheAuditRejects...).
    config = TestLake.config(dataDir, Settings.DQ_MAX_QUARANTINE_RATIO + "=1");
    spark = TestLake.spark(config);
    createTables();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static void createTables() {
    BronzeTables.createIfMissing(spark);
    SilverTables.createIfMissing(spark);
  }

  @BeforeEach
  void emptyTables() {
    for (String namespace : List.of(Tables.BRONZE, Tables.SILVER, Tables.OPS)) {
      for (Row t :
          spark.sql("SHOW TABLES IN " + Tables.CATALOG + "." + namespace).collectAsList()) {
        if (!t.getBoolean(2)) {
          spark.sql("DROP TABLE " + Tables.qualified(namespace + "." + t.getString(1)) + " PURGE");
        }
      }
    }
    createTables();
    bronze = new BronzeFixture(spark);
  }

  static SilverResult runDaily(LocalDate date) {
    return SilverJob.run(spark, config, SilverJob.Request.daily(date, 3, false));
  }

  static Map<String, String> statuses() {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark.sql("SELECT transaction_id, status FROM silver.transactions").collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static String checksum() {
    return spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.transactions")
            .first()
            .toString()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.customers")
            .first()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.accounts")
            .first()
        + spark
            .sql(
                "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0))) FROM"
                    + " silver.quarantine")
            .first();
  }

  /** Customer C1 and its account A1, whom the fixture's transactions belong to. */
  void customerC1WithAccountA1(String updatedAt) {
    bronze.append(
        Tables.BRONZE_CUSTOMERS,
        bronze.customer("C1", "Asha Rao", "asha.rao@example.in", "+919812345678", updatedAt));
    bronze.append(Tables.BRONZE_ACCOUNTS, bronze.account("A1", "C1", updatedAt));
  }

  /** Five lifecycles on 11-07..11-10: 13 events, 2 of them redeliveries, 2 that must lose. */
  void stateMachineCases() {
    bronze.append(Tables.BRONZE_TRANSACTIONS, bronze.stateMachineCases());
  }

  @Test
  void stateMachineCasesEndToEnd() {
    customerC1WithAccountA1("2026-11-07T01:00:00Z");
    stateMachineCases();

    SilverResult r = runDaily(D);

    assertThat(r.status()).isEqualTo("SUCCESS");
    assertThat(statuses())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "T1",
                "SUCCESS",
                "T2",
                "SUCCESS",
                "T3",
                "SUCCESS",
                "T4",
                "FAILED",
                "T5",
                "REVERSED"));
    assertThat(
            spark
                .sql("SELECT events_seen FROM silver.transactions WHERE transaction_id = 'T5'")
                .first()
                .getInt(0))
        .as("redeliveries removed")
        .isEqualTo(2);
    Row t1 =
        spark
            .sql(
                "SELECT first_seen_at, last_updated_at, amount_inr FROM silver.transactions WHERE"
                    + " transaction_id = 'T1'")
            .first();
    assertThat(t1.getTimestamp(0)).isEqualTo(BronzeFixture.ts("2026-11-08T10:00:01Z"));
    assertThat(t1.getTimestamp(1)).isEqualTo(BronzeFixture.ts("2026-11-10T09:00:00Z"));
    assertThat(t1.getDecimal(2)).isEqualByComparingTo("100.00");
    List<Row> q =
        spark
            .sql(
                "SELECT business_key, reason FROM silver.quarantine WHERE rule ="
                    + " 'txn_legal_transition' ORDER BY business_key")
            .collectAsList();
    assertThat(q).hasSize(2);
    assertThat(q.get(0).getString(0)).isEqualTo("T3");
    assertThat(q.get(0).getString(1))
        .isEqualTo("regressive update SUCCESS -> PENDING (sequence 2)");
    assertThat(q.get(1).getString(0)).isEqualTo("T4");
    assertThat(q.get(1).getString(1))
        .isEqualTo("illegal transition FAILED -> SUCCESS (sequence 3)");
    assertThat(r.rowsQuarantined()).isEqualTo(2);
    Row dq =
        spark
            .sql(
                "SELECT rows_checked, rows_failed FROM ops.dq_results WHERE run_id = '"
                    + r.runId()
                    + "' AND rule = 'txn_legal_transition'")
            .first();
    assertThat(dq.getLong(0)).isEqualTo(11); // 13 events, 2 redeliveries removed
    assertThat(dq.getLong(1)).isEqualTo(2);
  }

  @Test
  void rerunWithTheSameInputsIsARecordedNoOpAndAForcedRerunChangesNothing() {
    customerC1WithAccountA1("2026-11-07T01:00:00Z");
    stateMachineCases();
    assertThat(runDaily(D).status()).isEqualTo("SUCCESS");
    String before = checksum();
    long snapshotsBefore =
        spark.sql("SELECT count(*) FROM silver.transactions.snapshots").first().getLong(0);

    SilverResult noop = runDaily(D);
    assertThat(noop.status()).isEqualTo("NOOP");
    assertThat(noop.rerun()).isTrue();

    SilverResult forced = SilverJob.run(spark, config, SilverJob.Request.daily(D, 3, true));
    assertThat(forced.status()).isEqualTo("SUCCESS");
    assertThat(forced.rerun()).isTrue();
    assertThat(forced.rowsInserted() + forced.rowsUpdated()).isZero();
    assertThat(checksum()).isEqualTo(before);
    assertThat(spark.sql("SELECT count(*) FROM silver.transactions.snapshots").first().getLong(0))
        .isEqualTo(snapshotsBefore);
    List<Row> ledger =
        spark
            .sql(
                "SELECT status, is_rerun FROM ops.runs WHERE job = 'silver' AND business_date ="
                    + " DATE '2026-11-10' ORDER BY started_at")
            .collectAsList();
    assertThat(ledger)
        .extracting(x -> x.getString(0) + "/" + x.getBoolean(1))
        .containsExactly("SUCCESS/false", "NOOP/true", "SUCCESS/true");
  }

  @Test
  void validationRulesQuarantineOrFlagWithoutDroppingTransactions() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        // unknown currency: quarantined
        with(
            bronze.txn(
                "v1", "V1", 1, "SUCCESS", "10.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
            "currency",
            "XYZ"),
        // event_ts two hours after its arrival: quarantined
        bronze.txn(
            "v2", "V2", 1, "SUCCESS", "10.00", "2026-11-11T12:00:00Z", "2026-11-11T10:00:00Z"),
        // negative amount written straight into bronze: quarantined
        bronze.txn(
            "v3", "V3", 1, "SUCCESS", "-5.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
        // blank account: quarantined
        with(
            bronze.txn(
                "v4", "V4", 1, "SUCCESS", "10.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
            "account_id",
            " "),
        // account not known yet: kept, flagged, warned
        with(
            bronze.txn(
                "v5", "V5", 1, "SUCCESS", "10.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
            "account_id",
            "A404"),
        // a USD card payment: INR at the configured rate 83.25
        with(
            bronze.txn(
                "v6", "V6", 1, "SUCCESS", "12.34", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
            "currency",
            "USD"));

    bronze.append(
        Tables.BRONZE_ACCOUNTS,
        // an account whose customer is not known: kept, flagged, warned
        bronze.account("A2", "C404", "2026-11-11T01:00:00Z"),
        // an account without a customer: quarantined
        bronze.account("A3", "", "2026-11-11T01:00:00Z"));
    Map<String, Object> merchant = new HashMap<>();
    merchant.put("merchant_id", null); // no key: quarantined
    merchant.put("name", "Chai Point");
    merchant.put("category", "FOOD");
    merchant.put("city", "Pune");
    merchant.put("updated_at", BronzeFixture.ts("2026-11-11T01:00:00Z"));
    merchant.put("kafka_ts", BronzeFixture.ts("2026-11-11T01:00:00Z"));
    merchant.put("ingested_at", BronzeFixture.ts("2026-11-11T01:00:00Z"));
    bronze.append(Tables.BRONZE_MERCHANTS, merchant);

    SilverResult r = runDaily(LocalDate.of(2026, 11, 11));

    assertThat(
            spark
                .sql(
                    "SELECT account_id, is_customer_known FROM silver.accounts ORDER BY account_id")
                .collectAsList()
                .toString())
        .isEqualTo("[[A1,true], [A2,false]]");
    assertThat(
            spark
                .sql(
                    "SELECT rule FROM silver.quarantine WHERE source_table IN ('bronze.accounts',"
                        + " 'bronze.merchants') ORDER BY rule")
                .collectAsList()
                .toString())
        .isEqualTo("[[account_keys_not_null], [merchant_keys_not_null]]");
    assertThat(
            spark
                .sql(
                    "SELECT rows_failed FROM ops.dq_results WHERE run_id = '"
                        + r.runId()
                        + "' AND rule = 'account_customer_known'")
                .first()
                .getLong(0))
        .isEqualTo(1);

    Map<String, String> rules = new HashMap<>();
    for (Row q :
        spark
            .sql("SELECT business_key, rule FROM silver.quarantine WHERE business_key LIKE 'V%'")
            .collectAsList()) {
      rules.put(q.getString(0), q.getString(1));
    }
    assertThat(rules)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "V1",
                "txn_known_currency",
                "V2",
                "txn_event_ts_not_future",
                "V3",
                "txn_amount_positive_2dp",
                "V4",
                "txn_keys_not_null"));
    assertThat(statuses()).containsKeys("V5", "V6").doesNotContainKeys("V1", "V2", "V3", "V4");
    Row v5 =
        spark
            .sql(
                "SELECT is_account_known, is_customer_known FROM silver.transactions WHERE"
                    + " transaction_id = 'V5'")
            .first();
    assertThat(v5.getBoolean(0)).isFalse();
    assertThat(v5.getBoolean(1)).isTrue();
    assertThat(
            spark
                .sql("SELECT amount_inr FROM silver.transactions WHERE transaction_id = 'V6'")
                .first()
                .getDecimal(0))
        .isEqualByComparingTo("1027.31"); // 12.34 * 83.25 = 1027.305, rounded half up
    Row warn =
        spark
            .sql(
                "SELECT severity, rows_failed, sample_keys FROM ops.dq_results WHERE run_id = '"
                    + r.runId()
                    + "' AND rule = 'txn_account_known'")
            .first();
    assertThat(warn.getString(0)).isEqualTo("warn");
    assertThat(warn.getLong(1)).isEqualTo(1);
    assertThat(warn.getList(2)).containsExactly("V5");
    assertThat(
            spark
                .sql(
                    "SELECT count(DISTINCT rule) FROM ops.dq_results WHERE run_id = '"
                        + r.runId()
                        + "'")
                .first()
                .getLong(0))
        .isEqualTo(Expectations.ALL.size());
  }

  @Test
  void aFailRuleCommitsNothingAndRecordsTheFailedRun() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        // good, and one event from the future that the default severity quarantines
        bronze.txn(
            "g1", "G1", 1, "SUCCESS", "10.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
        bronze.txn(
            "f0", "F0", 1, "SUCCESS", "10.00", "2026-11-11T12:00:00Z", "2026-11-11T10:00:00Z"));
    assertThat(runDaily(LocalDate.of(2026, 11, 11)).status()).isEqualTo("SUCCESS");
    String before = checksum();
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        // good, and one event from the future
        bronze.txn(
            "f1", "F1", 1, "SUCCESS", "10.00", "2026-11-12T10:00:00Z", "2026-11-12T10:00:01Z"),
        bronze.txn(
            "f2", "F2", 1, "SUCCESS", "10.00", "2026-11-12T23:00:00Z", "2026-11-12T10:00:00Z"));
    LakehouseConfig strict =
        TestLake.config(
            dataDir, Settings.SILVER_SEVERITY_OVERRIDES + "=txn_event_ts_not_future=fail");

    assertThatThrownBy(
            () ->
                SilverJob.run(
                    spark, strict, SilverJob.Request.daily(LocalDate.of(2026, 11, 12), 3, false)))
        .isInstanceOf(DataQualityException.class)
        // F2, and F0 of 11-11 (in this window too)
        .hasMessageContaining("txn_event_ts_not_future (2 rows)");

    assertThat(checksum()).isEqualTo(before);
    assertThat(statuses()).doesNotContainKeys("F1", "F2");
    Row failed =
        spark
            .sql("SELECT status, error FROM ops.runs WHERE business_date = DATE '2026-11-12'")
            .first();
    assertThat(failed.getString(0)).isEqualTo("FAILED");
    assertThat(failed.getString(1)).contains("txn_event_ts_not_future");
  }

  @Test
  void piiNeverAppearsInClearInSilver() {
    customerC1WithAccountA1("2026-11-13T01:00:00Z");
    bronze.append(
        Tables.BRONZE_CUSTOMERS,
        // a customer whose id is blank: quarantined, but its PII must not be copied there
        bronze.customer(
            " ", "Vikram Seth", "vikram@example.in", "+919900011122", "2026-11-13T01:00:00Z"));
    runDaily(LocalDate.of(2026, 11, 13));
    Row c1 =
        spark
            .sql(
                "SELECT full_name_masked, email_hmac, email_domain, phone_masked, birth_year FROM"
                    + " silver.customers WHERE customer_id = 'C1'")
            .first();
    assertThat(c1.getString(0)).isEqualTo("A*** R***");
    assertThat(c1.getString(1))
        .hasSize(64)
        .isEqualTo(Pii.hmac(Pii.DEVELOPMENT_KEY, "asha.rao@example.in"));
    assertThat(c1.getString(2)).isEqualTo("example.in");
    assertThat(c1.getString(3)).isEqualTo("*********5678");
    assertThat(c1.getInt(4)).isEqualTo(1990);
    String everything =
        spark.sql("SELECT to_json(struct(*)) FROM silver.customers").collectAsList().toString()
            + spark.sql("SELECT to_json(struct(*)) FROM silver.quarantine").collectAsList();
    for (String clear :
        List.of(
            "Asha", "asha.rao", "9812345678", "1990-04-17", "Vikram", "vikram@", "9900011122")) {
      assertThat(everything).doesNotContain(clear);
    }
    assertThat(
            spark
                .sql("SELECT count(*) FROM silver.quarantine WHERE rule = 'customer_keys_not_null'")
                .first()
                .getLong(0))
        .isEqualTo(1);
  }

  @Test
  void anArrivalBeyondTheLookbackIsRecordedAndAppliedByBackfill() {
    customerC1WithAccountA1("2026-11-07T01:00:00Z");
    // L1 happened on 11-08 (processed by the run for 11-10) and settles only on 11-14.
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "l1a", "L1", 1, "PENDING", "70.00", "2026-11-08T07:00:00Z", "2026-11-08T07:00:01Z"));
    runDaily(D);
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "l1b", "L1", 2, "SUCCESS", "70.00", "2026-11-08T07:00:00Z", "2026-11-14T07:00:00Z"));

    SilverResult daily = runDaily(LocalDate.of(2026, 11, 14)); // window 11-11..11-14: 11-08 is out

    assertThat(daily.lateDetected()).isEqualTo(1);
    assertThat(statuses()).containsEntry("L1", "PENDING");
    Row late =
        spark
            .sql(
                "SELECT business_key, event_date, days_late, detected_run_id, applied_run_id FROM"
                    + " ops.late_arrivals")
            .first();
    assertThat(late.getString(0)).isEqualTo("L1");
    assertThat(late.getDate(1).toString()).isEqualTo("2026-11-08");
    assertThat(late.getInt(2)).isEqualTo(6);
    assertThat(late.getString(3)).isEqualTo(daily.runId());
    assertThat(late.isNullAt(4)).isTrue();

    SilverResult backfill =
        SilverJob.run(
            spark,
            config,
            SilverJob.Request.backfill(
                LocalDate.of(2026, 11, 8), LocalDate.of(2026, 11, 8), false));

    assertThat(statuses()).containsEntry("L1", "SUCCESS");
    assertThat(spark.sql("SELECT applied_run_id FROM ops.late_arrivals").first().getString(0))
        .isEqualTo(backfill.runId());
    assertThat(backfill.lateOutstanding()).isZero();
    // The next daily run finds nothing new to report.
    assertThat(
            SilverJob.run(
                    spark, config, SilverJob.Request.daily(LocalDate.of(2026, 11, 14), 3, true))
                .lateDetected())
        .isZero();
  }

  /**
   * A dead-letter replay that started (and stamped ingested_at) before a stream batch but committed
   * after it: its row's arrival time lies under the watermark of the run that covered its date, so
   * a clock comparison would never call it late. Lineage does: no run has read the snapshot that
   * appended it.
   */
  @Test
  void aRowCommittedAfterALaterRunIsLateWhateverItsArrivalTime() {
    customerC1WithAccountA1("2026-11-01T01:00:00Z");
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "r0", "R0", 1, "SUCCESS", "5.00", "2026-11-06T08:00:00Z", "2026-11-06T09:00:00Z"));
    runDaily(LocalDate.of(2026, 11, 6)); // window 11-03..11-06, watermark 11-06 09:00
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "r1", "R1", 1, "SUCCESS", "10.00", "2026-11-10T08:00:00Z", "2026-11-10T09:00:00Z"));
    runDaily(D); // window 11-07..11-10
    // The replay's row: a payment of 11-05, stamped 11-06 08:00, committed only now.
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "r2", "R2", 1, "SUCCESS", "20.00", "2026-11-05T10:00:00Z", "2026-11-06T08:00:00Z"));

    SilverResult next = runDaily(LocalDate.of(2026, 11, 11)); // window 11-08..11-11

    assertThat(next.lateDetected()).isEqualTo(1);
    Row late =
        spark.sql("SELECT business_key, event_date, applied_run_id FROM ops.late_arrivals").first();
    assertThat(late.getString(0)).isEqualTo("R2");
    assertThat(late.getDate(1).toString()).isEqualTo("2026-11-05");
    assertThat(late.isNullAt(2)).isTrue();
    assertThat(statuses()).doesNotContainKey("R2");
    // Judged once: the next run has nothing new to report, and a backfill applies it.
    assertThat(runDaily(LocalDate.of(2026, 11, 12)).lateDetected()).isZero();
    SilverResult backfill =
        SilverJob.run(
            spark,
            config,
            SilverJob.Request.backfill(
                LocalDate.of(2026, 11, 5), LocalDate.of(2026, 11, 5), false));
    assertThat(statuses()).containsEntry("R2", "SUCCESS");
    assertThat(spark.sql("SELECT applied_run_id FROM ops.late_arrivals").first().getString(0))
        .isEqualTo(backfill.runId());
  }

  @Test
  void mergeRewritesOnlyTheWindowsPartitions() {
    customerC1WithAccountA1("2026-11-07T01:00:00Z");
    stateMachineCases();
    runDaily(D);
    // History: one transaction on each of 20 days before the window, all processed.
    List<Map<String, Object>> history = new java.util.ArrayList<>();
    for (int day = 1; day <= 20; day++) {
      String date = String.format("2026-10-%02d", day);
      history.add(
          bronze.txn(
              "h" + day,
              "H" + day,
              1,
              "SUCCESS",
              "1.00",
              date + "T10:00:00Z",
              date + "T10:00:01Z"));
    }
    bronze.append(Tables.BRONZE_TRANSACTIONS, history);
    SilverJob.run(
        spark,
        config,
        SilverJob.Request.backfill(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 20), false));
    // 20 days of history and the 4 days 11-07..11-10 of the state machine's cases
    assertThat(spark.sql("SELECT count(*) FROM silver.transactions.partitions").first().getLong(0))
        .isEqualTo(24);
    // New events on three of the window's four days, and an update of an existing one.
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "p1", "P1", 1, "SUCCESS", "1.00", "2026-11-07T10:00:00Z", "2026-11-10T11:00:00Z"),
        bronze.txn(
            "p2", "P2", 1, "SUCCESS", "1.00", "2026-11-09T10:00:00Z", "2026-11-10T11:00:00Z"),
        bronze.txn(
            "p3", "P3", 1, "PENDING", "1.00", "2026-11-10T10:00:00Z", "2026-11-10T11:00:00Z"),
        bronze.txn(
            "p4", "T2", 3, "REVERSED", "200.00", "2026-11-09T10:00:00Z", "2026-11-10T11:00:00Z"));

    SilverJob.run(spark, config, SilverJob.Request.daily(D, 3, true));

    Map<String, String> summary =
        spark
            .sql(
                "SELECT summary FROM silver.transactions.snapshots ORDER BY committed_at DESC LIMIT"
                    + " 1")
            .first()
            .getJavaMap(0);
    assertThat(summary.get("changed-partition-count")).isNotNull();
    assertThat(Integer.parseInt(summary.get("changed-partition-count"))).isBetween(1, 4);
    assertThat(statuses()).containsEntry("T2", "REVERSED").containsEntry("P3", "PENDING");
  }

  @Test
  void aMissedPreviousDateStopsTheDailyRunOrIsProcessedFirst() {
    // No bronze rows needed: only the dates in the ledger matter. 11-14 is the last business date
    // processed; 11-15 and 11-16 were never run.
    runDaily(LocalDate.of(2026, 11, 14));
    assertThatThrownBy(() -> SilverJob.runDaily(spark, config, LocalDate.of(2026, 11, 17), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "previous date was never processed (missed: 2026-11-15 to 2026-11-16)")
        .hasMessageContaining("silver.on-gap=process");
    LakehouseConfig catchUp =
        TestLake.config(
            dataDir, Settings.SILVER_ON_GAP + "=process", Settings.DQ_MAX_QUARANTINE_RATIO + "=1");
    List<SilverResult> runs = SilverJob.runDaily(spark, catchUp, LocalDate.of(2026, 11, 17), false);
    assertThat(runs)
        .extracting(SilverResult::businessDate)
        .containsExactly(
            LocalDate.of(2026, 11, 15), LocalDate.of(2026, 11, 16), LocalDate.of(2026, 11, 17));
  }

  @Test
  void aDateTheAuditRejectsIsNeverPublishedNotEvenByTheNextDaysRun() {
    LakehouseConfig strict = TestLake.config(dataDir, Settings.DQ_MAX_QUARANTINE_RATIO + "=0.25");
    customerC1WithAccountA1("2026-11-01T01:00:00Z");
    // 11-10: two good payments and two with an unknown currency -> 2 of 4 quarantined (0.5).
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        bronze.txn(
            "g1", "G1", 1, "SUCCESS", "10.00", "2026-11-10T10:00:00Z", "2026-11-10T10:00:01Z"),
        bronze.txn(
            "g2", "G2", 1, "SUCCESS", "20.00", "2026-11-10T11:00:00Z", "2026-11-10T11:00:01Z"),
        with(
            bronze.txn(
                "b1", "B1", 1, "SUCCESS", "30.00", "2026-11-10T12:00:00Z", "2026-11-10T12:00:01Z"),
            "currency",
            "XYZ"),
        with(
            bronze.txn(
                "b2", "B2", 1, "SUCCESS", "40.00", "2026-11-10T13:00:00Z", "2026-11-10T13:00:01Z"),
            "currency",
            "XYZ"));
    Map<String, Long> mainBefore = mainSnapshots();

    assertThatThrownBy(() -> SilverJob.run(spark, strict, SilverJob.Request.daily(D, 3, false)))
        .isInstanceOf(DataQualityException.class)
        .hasMessageContaining("2026-11-10: 2 of 4 messages quarantined (0.500000)")
        .hasMessageContaining("nothing was published");
    // main did not move: gold and analysts see nothing of the run ...
    assertThat(mainSnapshots()).isEqualTo(mainBefore);
    assertThat(statuses()).isEmpty();
    // ... while its branch holds what it wrote, for inspection, and the ledger names both.
    Row run =
        spark
            .sql(
                "SELECT status, audit_branch, audit_verdict FROM ops.runs WHERE job = 'silver'"
                    + " ORDER BY ended_at DESC LIMIT 1")
            .first();
    assertThat(run.getString(0)).isEqualTo("FAILED");
    assertThat(run.getString(2)).startsWith("rejected: 2026-11-10: 2 of 4");
    String branch = run.getString(1);
    assertThat(
            spark
                .sql(
                    "SELECT transaction_id FROM silver.transactions.branch_"
                        + branch
                        + " ORDER BY 1")
                .collectAsList()
                .toString())
        .isEqualTo("[[G1], [G2]]");

    // The next day brings eight good payments; 11-10 is still in the window and still fails on
    // its own, however good the window is as a whole (2 of 12).
    List<Map<String, Object>> nextDay = new java.util.ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      nextDay.add(
          bronze.txn(
              "n" + i,
              "N" + i,
              1,
              "SUCCESS",
              "5.00",
              "2026-11-11T0" + i + ":00:00Z",
              "2026-11-11T0" + i + ":00:01Z"));
    }
    bronze.append(Tables.BRONZE_TRANSACTIONS, nextDay);
    assertThatThrownBy(
            () -> SilverJob.run(spark, strict, SilverJob.Request.daily(D.plusDays(1), 3, false)))
        .isInstanceOf(DataQualityException.class)
        .hasMessageContaining("2026-11-10: 2 of 4")
        .hasMessageNotContaining("2026-11-11");
    assertThat(mainSnapshots()).isEqualTo(mainBefore);

    // Accepting the date consciously (a higher ratio for this run) publishes it: the good rows
    // only, the broken ones in quarantine, and the branch is gone.
    LakehouseConfig accepted = TestLake.config(dataDir, Settings.DQ_MAX_QUARANTINE_RATIO + "=0.5");
    SilverResult ok =
        SilverJob.run(spark, accepted, SilverJob.Request.daily(D.plusDays(1), 3, false));
    assertThat(ok.status()).isEqualTo("SUCCESS");
    assertThat(statuses()).hasSize(10).containsEntry("G1", "SUCCESS").doesNotContainKey("B1");
    Row published =
        spark
            .sql(
                "SELECT audit_branch, audit_verdict FROM ops.runs WHERE run_id = '"
                    + ok.runId()
                    + "'")
            .first();
    assertThat(published.getString(1)).isEqualTo("published");
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM silver.transactions.refs WHERE name = '"
                        + published.getString(0)
                        + "'")
                .first()
                .getLong(0))
        .isZero();
  }

  Map<String, Object> usd(String id, String amount, String day) {
    String at = day + "T10:00:00Z";
    return with(
        bronze.txn(id.toLowerCase(), id, 1, "SUCCESS", amount, at, at.replace(":00Z", ":01Z")),
        "currency",
        "USD");
  }

  static Map<String, String> inr(String column) {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark
            .sql("SELECT transaction_id, CAST(" + column + " AS STRING) FROM silver.transactions")
            .collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static List<String> filesOf(String day) {
    return spark
        .sql(
            "SELECT file_path FROM silver.transactions.files WHERE partition.event_ts_day = DATE '"
                + day
                + "'")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .sorted()
        .toList();
  }

  @Test
  void aLoadedRateRevaluesItsDatesOnTheNextRunAndNothingElse() throws Exception {
    customerC1WithAccountA1("2026-11-01T01:00:00Z");
    bronze.append(
        Tables.BRONZE_TRANSACTIONS,
        usd("U1", "10.00", "2026-11-03"),
        usd("U2", "20.00", "2026-11-06"),
        usd("U3", "30.00", "2026-11-09"),
        bronze.txn(
            "i1", "I1", 1, "SUCCESS", "50.00", "2026-11-06T11:00:00Z", "2026-11-06T11:00:01Z"));
    for (String day : List.of("2026-11-03", "2026-11-06", "2026-11-09")) {
      runDaily(LocalDate.parse(day));
    }
    // At the fixed rate, 83.25: 10 * 83.25, 20 * 83.25, 30 * 83.25.
    assertThat(inr("amount_inr"))
        .containsEntry("U1", "832.50")
        .containsEntry("U2", "1665.00")
        .containsEntry("U3", "2497.50")
        .containsEntry("I1", "50.00");

    Path file = dataDir.resolve("usd-november.csv");
    Files.writeString(
        file,
        "currency,effective_date,inr_per_unit\n# RBI reference rates\nUSD,2026-11-05,84.10\n"
            + "USD,2026-11-08,84.5\n");
    Map<String, BigDecimal> fixed = FxRates.parseDefaults(config.get(Settings.FX_INR_RATES));
    FxRatesLoader.Result dry = FxRatesLoader.load(spark, fixed, file, true);
    FxRates.Change fromNov5 = new FxRates.Change("USD", LocalDate.of(2026, 11, 5), null);
    assertThat(dry.changes()).containsExactly(fromNov5);
    assertThat(dry.affected().get(fromNov5).transactions()).isEqualTo(2); // U2 and U3
    assertThat(dry.affected().get(fromNov5).dates())
        .containsExactly(LocalDate.of(2026, 11, 6), LocalDate.of(2026, 11, 9));
    assertThat(spark.table(Tables.SILVER_FX_RATES).count()).isZero(); // a dry run writes nothing

    FxRatesLoader.Result loaded = FxRatesLoader.load(spark, fixed, file, false);
    assertThat(loaded.added()).isEqualTo(2);
    assertThat(spark.table(Tables.SILVER_FX_RATES).count()).isEqualTo(2);
    assertThat(inr("amount_inr")).containsEntry("U2", "1665.00"); // silver waits for its run
    List<String> nov3Files = filesOf("2026-11-03");

    // The run for 11-10 (window 11-07..11-10) revalues U3 in its window and U2 before it.
    SilverResult run = runDaily(D);
    assertThat(inr("amount_inr"))
        .containsEntry("U1", "832.50") // before 11-05: still the fixed rate
        .containsEntry("U2", "1682.00") // 20 * 84.10
        .containsEntry("U3", "2535.00") // 30 * 84.50
        .containsEntry("I1", "50.00");
    assertThat(inr("fx_rate")).containsEntry("U2", "84.100000").containsEntry("U3", "84.500000");
    assertThat(run.message()).contains("revalued 1 transaction(s) on 1 date(s), 2026-11-06");
    assertThat(filesOf("2026-11-03")).isEqualTo(nov3Files); // not rewritten

    // Same window, same bronze, same rates: nothing to do.
    assertThat(runDaily(D).status()).isEqualTo("NOOP");

    // A correction of the 11-05 rate touches 11-05..11-07 only: U2, not U3.
    Files.writeString(file, "currency,effective_date,inr_per_unit\nUSD,2026-11-05,84.20\n");
    FxRatesLoader.Result corrected = FxRatesLoader.load(spark, fixed, file, false);
    assertThat(corrected.replaced()).isEqualTo(1);
    assertThat(corrected.changes())
        .containsExactly(
            new FxRates.Change("USD", LocalDate.of(2026, 11, 5), LocalDate.of(2026, 11, 8)));
    runDaily(LocalDate.of(2026, 11, 12));
    assertThat(inr("amount_inr"))
        .containsEntry("U2", "1684.00") // 20 * 84.20
        .containsEntry("U3", "2535.00")
        .containsEntry("U1", "832.50");
  }

  /** The current (main) snapshot of every silver table. */
  static Map<String, Long> mainSnapshots() {
    Map<String, Long> m = new HashMap<>();
    for (String t : SilverTables.ALL) {
      m.put(t, dev.lakehouse.common.LakehouseSpark.currentSnapshotId(spark, t));
    }
    return m;
  }
}
