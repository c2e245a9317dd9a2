package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.ops.LakeMaintenance;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description =
        "Compact small files in partitions that have left the lookback window, rewrite manifests,"
            + " expire snapshots older than maintain.snapshot-retention-days (never the bronze"
            + " stream's newest one), and remove orphan files older than maintain.orphan-age-days."
            + " Safe while the stream writes; recorded in ops.runs.")
final class MaintainCommand extends LakehouseCommand {
  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description =
          "Business date: partitions before date - silver.lookback-days are compacted (default:"
              + " today, UTC). A date already maintained is a recorded no-op.")
  LocalDate date;

  @Option(
      names = "--force",
      description = "Maintain even when a run already finished for this date.")
  boolean force;

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-maintain");
    SparkSession spark = lease.spark();
    try {
      LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
      LakeMaintenance.Result r = LakeMaintenance.run(spark, config, day, force || date == null);
      if ("NOOP".equals(r.status())) {
        out.printf(
            "maintain %s: already done for this date; nothing to do (NOOP recorded, use --force to"
                + " run again).%n",
            day);
      }
      Map<String, Object> tables = new LinkedHashMap<>();
      r.tables()
          .forEach(
              (t, c) -> {
                out.printf(
                    "  %-34s data files %,6d -> %,6d   snapshots %,5d -> %,5d%n",
                    t, c.filesBefore(), c.filesAfter(), c.snapshotsBefore(), c.snapshotsAfter());
                tables.put(
                    t,
                    Map.of(
                        "files_before",
                        c.filesBefore(),
                        "files_after",
                        c.filesAfter(),
                        "snapshots_before",
                        c.snapshotsBefore(),
                        "snapshots_after",
                        c.snapshotsAfter(),
                        "files_compacted",
                        c.filesCompacted(),
                        "files_written",
                        c.filesWritten()));
              });
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("run_id", r.runId());
      summary.put("run_status", r.status());
      summary.put("tables", tables);
      return summary;
    } finally {
      lease.close();
    }
  }
}
