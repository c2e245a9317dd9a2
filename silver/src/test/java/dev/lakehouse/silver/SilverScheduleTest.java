package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Silver over several days: late arrivals beyond the lookback and their backfill, missed dates, and
 * dated FX rates revaluing earlier dates.
 */
class SilverScheduleTest extends SilverJobTestBase {
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
    SilverResult first = runDaily(LocalDate.of(2026, 11, 6)); // window 11-03..11-06
    // The watermark it records comes from Iceberg's file statistics: R0's arrival.
    assertThat(
            spark
                .sql(
                    "SELECT input_watermarks['bronze.transactions'] FROM ops.runs WHERE run_id = '"
                        + first.runId()
                        + "'")
                .first()
                .getTimestamp(0)
                .toInstant())
        .isEqualTo(java.time.Instant.parse("2026-11-06T09:00:00Z"));
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
}
