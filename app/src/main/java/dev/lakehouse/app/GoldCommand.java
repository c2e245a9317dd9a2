package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
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
            + " D-L..D), widened to every date silver changed since the last gold run (after"
            + " skipped days, a silver backfill, a late account, customer or merchant): the"
            + " dimensions, fct_transactions, daily balances from the window's first day on, and"
            + " the marts of every month those days touch. A change of the settings that alter"
            + " gold's numbers rebuilds all of it.")
final class GoldCommand extends LakehouseCommand {
  @Mixin DateOptions dates = new DateOptions();

  @Option(
      names = "--force",
      description =
          "Rebuild even when a run over the same window already read the same silver snapshots"
              + " (otherwise a recorded no-op).")
  boolean force;

  @Option(
      names = "--restate",
      description =
          "Recompute every date from --from (default: the first date silver holds) to the last"
              + " one, and everything that depends on them (balances, statements, streaks,"
              + " tiers).")
  boolean restate;

  @Override
  protected void validate(LakehouseConfig config) {
    if (restate) {
      if (dates.to != null) {
        throw new ConfigException("--restate recomputes through the last date; it takes no --to.");
      }
      return;
    }
    dates.isRange();
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    boolean range = !restate && dates.isRange();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-gold");
    SparkSession spark = lease.spark();
    long t0 = System.nanoTime();
    try {
      GoldResult r =
          restate
              ? GoldJob.restate(spark, config, dates.from, dates.date())
              : range
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
          "gold %s..%s: the last gold run read the same silver snapshots with the same settings;"
              + " nothing to do (NOOP recorded, use --force to rebuild).%n",
          r.windowStart(), r.windowEnd());
      out.flush();
      return;
    }
    out.printf(
        "gold %s..%s (recomputed through %s) in %.1f s:%n",
        r.windowStart(), r.windowEnd(), r.rangeEnd(), seconds);
    if (r.catchUp() != null) {
      out.printf("  %s.%n", r.catchUp());
    }
    r.rowsWritten().forEach((table, n) -> out.printf("  %-34s %,d rows%n", table, n));
    out.flush();
  }
}
