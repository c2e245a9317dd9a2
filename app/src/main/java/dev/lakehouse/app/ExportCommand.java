package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.export.PostgresExporter;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export the gold marts and the dimensions they need to PostgreSQL (schema marts): COPY into"
            + " staging tables in parallel, then publish every changed table in one transaction"
            + " with its row in marts.export_manifest. Tables whose gold snapshot is already"
            + " published are skipped. The password comes from LAKEHOUSE_POSTGRES_PASSWORD.")
final class ExportCommand extends LakehouseCommand {
  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) throws Exception {
    Optional<LocalServices.Started> pg = LocalServices.postgres(config);
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-export");
    SparkSession spark = lease.spark();
    try {
      PostgresExporter.Result r = PostgresExporter.export(spark, config);
      print(out, r);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("run_id", r.runId());
      summary.put("published", r.published());
      summary.put("unchanged", r.unchanged());
      summary.put("rows", r.rows());
      summary.put("seconds", Math.round(r.seconds() * 10) / 10.0);
      summary.put("rows_per_second", r.seconds() > 0 ? Math.round(r.rows() / r.seconds()) : 0);
      return summary;
    } finally {
      lease.close();
      if (pg.isPresent()) {
        pg.get().close();
      }
    }
  }

  static void print(PrintWriter out, PostgresExporter.Result r) {
    if (r.published().isEmpty()) {
      out.printf(
          "export: nothing to publish; all %d tables already hold their current gold snapshot.%n",
          r.unchanged().size());
    } else {
      out.printf(
          "export: published %d tables in one transaction (%,d rows in %.1f s, %,.0f rows/s)%s:%n",
          r.published().size(),
          r.rows(),
          r.seconds(),
          r.rows() / Math.max(r.seconds(), 1e-3),
          r.unchanged().isEmpty() ? "" : ", " + r.unchanged().size() + " unchanged");
      r.published().forEach((t, n) -> out.printf("  marts.%-26s %,d rows%n", t, n));
    }
    out.flush();
  }
}
