package dev.lakehouse.silver;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.OpsTables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data-quality gate between silver and gold for one business date: the newest silver run
 * covering the date must have succeeded, read something if bronze had data, broken no fail-severity
 * rule, and quarantined at most dq.max-quarantine-ratio of what it read. Every verdict is recorded
 * in ops.runs.
 */
public final class QualityGate {
  static final String JOB = "dq-gate";

  /** The verdict; {@code problems} is empty when the gate passes. */
  public record Verdict(
      String runId,
      LocalDate date,
      String silverRunId,
      long rowsRead,
      long rowsQuarantined,
      BigDecimal quarantineRatio,
      Map<String, Long> warnings,
      List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  private QualityGate() {}

  public static Verdict check(SparkSession spark, LakehouseConfig config, LocalDate date) {
    OpsTables.createIfMissing(spark);
    Timestamp started = now();
    String runId = UUID.randomUUID().toString();
    BigDecimal limit = new BigDecimal(config.get(Settings.DQ_MAX_QUARANTINE_RATIO));
    List<String> problems = new ArrayList<>();
    Map<String, Long> warnings = new LinkedHashMap<>();
    String silverRun = null;
    long read = 0;
    long quarantined = 0;
    BigDecimal ratio = BigDecimal.ZERO;
    String covering =
        "job = 'silver' AND ((mode = 'daily' AND business_date = DATE '"
            + date
            + "')"
            + " OR (mode = 'backfill' AND DATE '"
            + date
            + "' BETWEEN window_start AND window_end))";
    List<Row> latest =
        spark
            .sql(
                "SELECT status, run_id, error FROM "
                    + Tables.OPS_RUNS
                    + " WHERE "
                    + covering
                    + " ORDER BY ended_at DESC LIMIT 1")
            .collectAsList();
    if (latest.isEmpty()) {
      problems.add(
          "silver has not run for " + date + "; run 'lakehouse silver --date " + date + "' first");
    } else if ("FAILED".equals(latest.get(0).getString(0))) {
      problems.add(
          "the last silver run for "
              + date
              + " ("
              + latest.get(0).getString(1)
              + ") failed: "
              + latest.get(0).getString(2));
    } else {
      Row run =
          spark
              .sql(
                  "SELECT run_id, rows_read, rows_quarantined, is_suspicious, message FROM "
                      + Tables.OPS_RUNS
                      + " WHERE "
                      + covering
                      + " AND status = 'SUCCESS' ORDER BY ended_at DESC LIMIT 1")
              .first();
      silverRun = run.getString(0);
      read = run.getLong(1);
      quarantined = run.getLong(2);
      if (run.getBoolean(3)) {
        problems.add("silver run " + silverRun + " is suspicious: " + run.getString(4));
      }
      ratio =
          read == 0
              ? BigDecimal.ZERO
              : BigDecimal.valueOf(quarantined)
                  .divide(BigDecimal.valueOf(read), 6, RoundingMode.HALF_UP);
      if (ratio.compareTo(limit) > 0) {
        problems.add(
            String.format(
                "silver run %s quarantined %,d of %,d rows read (%s), above %s=%s",
                silverRun,
                quarantined,
                read,
                ratio.toPlainString(),
                Settings.DQ_MAX_QUARANTINE_RATIO,
                limit.toPlainString()));
      }
      for (Row r :
          spark
              .sql(
                  "SELECT rule, severity, rows_failed FROM "
                      + Tables.OPS_DQ_RESULTS
                      + " WHERE run_id = '"
                      + silverRun
                      + "' AND rows_failed > 0 ORDER BY rule")
              .collectAsList()) {
        if ("fail".equals(r.getString(1))) {
          problems.add(
              "rule " + r.getString(0) + " (severity fail) failed on " + r.getLong(2) + " rows");
        } else {
          warnings.put(r.getString(0) + " (" + r.getString(1) + ")", r.getLong(2));
        }
      }
    }
    String status = problems.isEmpty() ? "SUCCESS" : "FAILED";
    RunLedger.append(
        spark,
        RunRecord.builder(runId, JOB, "daily")
            .businessDate(date)
            .parameters(
                "{\"silver_run_id\":"
                    + (silverRun == null ? "null" : "\"" + silverRun + "\"")
                    + ",\"max_quarantine_ratio\":\""
                    + limit.toPlainString()
                    + "\"}")
            .status(status)
            .startedAt(started)
            .counts(new RunRecord.Counts(read, 0, 0, quarantined, 0))
            .message("quarantine ratio " + ratio.toPlainString())
            .error(problems.isEmpty() ? null : String.join("; ", problems))
            .build());
    return new Verdict(runId, date, silverRun, read, quarantined, ratio, warnings, problems);
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
