package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.silver.SilverJob;
import dev.lakehouse.silver.SilverResult;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "silver",
    mixinStandardHelpOptions = true,
    description =
        "Build silver for a business date D (UTC): read bronze for event dates D-L..D (L ="
            + " silver.lookback-days) as of one snapshot per table, validate, deduplicate, resolve"
            + " transaction states and MERGE into silver.transactions, silver.customers,"
            + " silver.accounts and silver.merchants. Rejected rows go to silver.quarantine, rule"
            + " results to ops.dq_results, late arrivals to ops.late_arrivals, and every run to"
            + " ops.runs. Exit code 3 when a rule with severity fail does not pass.")
final class SilverCommand extends LakehouseCommand {
  @Mixin DateOptions dates = new DateOptions();

  @Option(
      names = "--force",
      description = "Reprocess even when a run already processed the same bronze snapshots.")
  boolean force;

  @Override
  protected void validate(LakehouseConfig config) {
    dates.isRange();
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    List<LocalDate> dates = this.dates.dates();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-silver");
    SparkSession spark = lease.spark();
    List<Object> runs = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (LocalDate d : dates) {
        long t0 = System.nanoTime();
        for (SilverResult r : SilverJob.runDaily(spark, config, d, force)) {
          SilverReport.print(out, r, (System.nanoTime() - t0) / 1e9);
          Map<String, Object> m = r.toMap();
          m.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
          runs.add(m);
          t0 = System.nanoTime();
        }
      }
    } finally {
      lease.close();
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("runs", runs);
    summary.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
    return summary;
  }
}
