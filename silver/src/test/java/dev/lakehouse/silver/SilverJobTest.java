package dev.lakehouse.silver;

import static dev.lakehouse.silver.BronzeFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.DataQualityException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Silver end to end on hand-built bronze rows. The tests share one SparkSession and lake, but each
 * starts from empty tables (all of bronze, silver and ops dropped and created again) and writes the
 * bronze rows it needs, so they run in any order.
 */
class SilverJobTest extends SilverJobTestBase {
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
}
