package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.GoldResult;
import dev.lakehouse.silver.SilverJob;
import dev.lakehouse.silver.SilverResult;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description =
        "Reprocess an explicit range of event dates in one run of silver and then gold, applying"
            + " the late arrivals that daily runs recorded in ops.late_arrivals for those dates.")
final class BackfillCommand extends LakehouseCommand {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "YYYY-MM-DD",
      description = "First event date.")
  LocalDate from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "YYYY-MM-DD",
      description = "Last event date.")
  LocalDate to;

  @Option(
      names = "--force",
      description = "Reprocess even when a run already processed the same bronze snapshots.")
  boolean force;

  @Override
  protected void validate(LakehouseConfig config) {
    if (to.isBefore(from)) {
      throw new ConfigException("--to " + to + " is before --from " + from + ".");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-backfill");
    SparkSession spark = lease.spark();
    long t0 = System.nanoTime();
    try {
      SilverResult r = SilverJob.run(spark, config, SilverJob.Request.backfill(from, to, force));
      double seconds = (System.nanoTime() - t0) / 1e9;
      SilverReport.print(out, r, seconds);
      long t1 = System.nanoTime();
      GoldResult g = GoldJob.runRange(spark, config, from, to, force);
      GoldCommand.print(out, g, (System.nanoTime() - t1) / 1e9);
      seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> summary = new LinkedHashMap<>(r.toMap());
      summary.put("gold", g.toMap());
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      return summary;
    } finally {
      lease.close();
    }
  }
}
