package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.GoldResult;
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
    name = "gold",
    mixinStandardHelpOptions = true,
    description = "Build gold from silver for business date D with the same lookback as silver (event dates D-L..D): the dimensions, fct_transactions, daily balances from D-L on, and the marts of every month those days touch.")
final class GoldCommand extends LakehouseCommand {
  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Business date (default: today, UTC).")
  LocalDate date;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First date of a range, built in one run (with --to).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last date of the range.")
  LocalDate to;

  @Override
  Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    if (date != null && (from != null || to != null)) {
      throw new ConfigException("Give either --date or --from/--to, not both.");
    }
    if ((from == null) != (to == null)) {
      throw new ConfigException("--from and --to go together.");
    }
    if (from != null && to.isBefore(from)) {
      throw new ConfigException("--to " + to + " is before --from " + from + ".");
    }
    SparkSession spark = LakehouseSpark.session(config, "lakehouse-gold");
    long t0 = System.nanoTime();
    try {
      GoldResult r = from != null
          ? GoldJob.runRange(spark, config, from, to)
          : GoldJob.runDaily(spark, config, date != null ? date : LocalDate.now(ZoneOffset.UTC));
      double seconds = (System.nanoTime() - t0) / 1e9;
      print(out, r, seconds);
      Map<String, Object> summary = new LinkedHashMap<>(r.toMap());
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      return summary;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, GoldResult r, double seconds) {
    out.printf("gold %s..%s (recomputed through %s) in %.1f s:%n", r.windowStart(), r.windowEnd(), r.rangeEnd(), seconds);
    r.rowsWritten().forEach((table, n) -> out.printf("  %-34s %,d rows%n", table, n));
    out.flush();
  }

}
