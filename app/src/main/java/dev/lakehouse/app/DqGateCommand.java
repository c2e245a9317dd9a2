package dev.lakehouse.app;

import dev.lakehouse.common.DataQualityException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.ops.anomaly.Anomalies;
import dev.lakehouse.silver.QualityGate;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "dq-gate",
    mixinStandardHelpOptions = true,
    description =
        "The data-quality gate between silver and gold for a business date: passes when the newest"
            + " silver run covering the date succeeded, was not suspicious, broke no rule of"
            + " severity fail and quarantined at most dq.max-quarantine-ratio of the rows it read."
            + " With dq-gate.fail-on-anomalies=error (or warn) it also fails when lakehouse observe"
            + " found anomalies of that severity in bronze or silver for the date's lookback"
            + " window. Read-only apart from its row in ops.runs. Exit code 3 when the gate"
            + " fails.")
final class DqGateCommand extends LakehouseCommand {
  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "Business date (default: today, UTC).")
  LocalDate date;

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-dq-gate");
    SparkSession spark = lease.spark();
    QualityGate.Verdict v;
    List<String> anomalyProblems = new ArrayList<>();
    try {
      v = QualityGate.check(spark, config, day);
      String failOn = config.get(Settings.DQ_GATE_FAIL_ON_ANOMALIES);
      if (!failOn.equals("none")) {
        LocalDate from = day.minusDays(config.intValue(Settings.SILVER_LOOKBACK_DAYS));
        for (Anomalies.Anomaly a : Anomalies.between(spark, from, day)) {
          boolean counts = failOn.equals("warn") || a.severity().equals("error");
          if (counts && !a.table().startsWith("gold.")) {
            anomalyProblems.add("anomaly #" + a.id() + " (" + a.severity() + "): " + a.detail());
          }
        }
      }
    } finally {
      lease.close();
    }
    if (v.silverRunId() != null) {
      out.printf(
          "dq-gate %s: silver run %s read %,d rows, quarantined %,d (ratio %s)%n",
          day,
          v.silverRunId(),
          v.rowsRead(),
          v.rowsQuarantined(),
          v.quarantineRatio().toPlainString());
    }
    v.warnings().forEach((rule, n) -> out.printf("  warning: %s failed on %,d rows%n", rule, n));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("date", day.toString());
    summary.put("silver_run_id", v.silverRunId());
    summary.put("rows_read", v.rowsRead());
    summary.put("rows_quarantined", v.rowsQuarantined());
    summary.put("quarantine_ratio", v.quarantineRatio().toPlainString());
    summary.put("warnings", v.warnings());
    List<String> problems = new ArrayList<>(v.problems());
    problems.addAll(anomalyProblems);
    summary.put("problems", problems);
    summary.put("passed", problems.isEmpty());
    if (!problems.isEmpty()) {
      out.printf("dq-gate %s: FAILED%n", day);
      problems.forEach(p -> out.printf("  - %s%n", p));
      out.flush();
      throw new DataQualityException(
          "the gate failed for " + day + ": " + String.join("; ", problems));
    }
    out.printf("dq-gate %s: PASSED%n", day);
    out.flush();
    return summary;
  }
}
