package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.GoldResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "gold",
    mixinStandardHelpOptions = true,
    description =
        "Build gold from silver for business date D with the same lookback as silver (event dates"
            + " D-L..D): the dimensions, fct_transactions, daily balances from D-L on, and the"
            + " marts of every month those days touch.")
final class GoldCommand extends LakehouseCommand {
  @Mixin DateOptions dates = new DateOptions();

  @Option(
      names = "--force",
      description =
          "Rebuild even when a run over the same window already read the same silver snapshots"
              + " (otherwise a recorded no-op).")
  boolean force;

  @Override
  protected void validate(LakehouseConfig config) {
    dates.isRange();
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    boolean range = dates.isRange();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-gold");
    SparkSession spark = lease.spark();
    long t0 = System.nanoTime();
    try {
      GoldResult r =
          range
              ? GoldJob.runRange(spark, config, dates.from, dates.to, force)
              : GoldJob.runDaily(spark, config, dates.date(), force);
      double seconds = (System.nanoTime() - t0) / 1e9;
      print(out, r, seconds);
      Map<String, Object> summary = new LinkedHashMap<>(r.toMap());
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      return summary;
    } finally {
      lease.close();
    }
  }

  static void print(PrintWriter out, GoldResult r, double seconds) {
    if ("NOOP".equals(r.status())) {
      out.printf(
          "gold %s..%s: already built from the same silver snapshots; nothing to do (NOOP recorded,"
              + " use --force to rebuild).%n",
          r.windowStart(), r.windowEnd());
      out.flush();
      return;
    }
    out.printf(
        "gold %s..%s (recomputed through %s) in %.1f s:%n",
        r.windowStart(), r.windowEnd(), r.rangeEnd(), seconds);
    r.rowsWritten().forEach((table, n) -> out.printf("  %-34s %,d rows%n", table, n));
    out.flush();
  }
}
