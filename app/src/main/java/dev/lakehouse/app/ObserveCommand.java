package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import dev.lakehouse.ops.anomaly.Detector;
import dev.lakehouse.ops.anomaly.Observer;
import dev.lakehouse.ops.anomaly.TableMetrics;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "observe",
    mixinStandardHelpOptions = true,
    description =
        "Compute the metrics of the transactions of each layer (row count, null rates, distinct"
            + " keys, money statistics, category shares, quarantine and dead-letter ratios,"
            + " freshness) for the lookback window of --date (or --from..--to), into"
            + " ops.table_metrics, and judge them against each table's own history: what lies"
            + " outside goes to ops.anomalies. Run after silver (bronze and silver) and after gold."
            + " Rerunning a date replaces its metrics and anomalies. See docs/anomalies.md.")
final class ObserveCommand extends LakehouseCommand {
  @Mixin DateOptions dates = new DateOptions();

  @Option(
      names = "--layer",
      split = ",",
      paramLabel = "LAYER",
      description = "Layers to observe: bronze, silver, gold (default: all three).")
  List<String> layers = new ArrayList<>(List.of("bronze", "silver", "gold"));

  @Override
  protected void validate(LakehouseConfig config) {
    dates.isRange();
    for (String layer : layers) {
      if (!List.of("bronze", "silver", "gold").contains(layer)) {
        throw new ConfigException("Unknown --layer '" + layer + "': bronze, silver or gold.");
      }
    }
    Observer.detector(config); // the checks parse
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LocalDate from;
    LocalDate to;
    if (dates.isRange()) {
      from = dates.from;
      to = dates.to;
    } else {
      to = dates.date();
      from = to.minusDays(config.intValue(Settings.SILVER_LOOKBACK_DAYS));
    }
    List<TableMetrics.Target> targets =
        TableMetrics.TARGETS.stream().filter(t -> layers.contains(t.layer())).toList();
    String runId = UUID.randomUUID().toString();
    Timestamp started = new Timestamp(System.currentTimeMillis());
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-observe");
    SparkSession spark = lease.spark();
    try {
      Observer.Outcome o = Observer.observe(spark, config, runId, targets, from, to);
      RunLedger.append(
          spark,
          RunRecord.builder(runId, "observe", dates.isRange() ? "range" : "daily")
              .businessDate(to)
              .window(from, to)
              .status("SUCCESS")
              .startedAt(started)
              .counts(new RunRecord.Counts(o.metrics(), o.metrics(), 0, 0, 0))
              .message(o.findings().size() + " anomalies")
              .build());
      out.printf(
          "observe %s..%s: %,d metric values of %s; %d anomalies%s%n",
          from,
          to,
          o.metrics(),
          String.join(", ", layers),
          o.findings().size(),
          o.findings().isEmpty() ? "." : ":");
      List<Map<String, Object>> found = new ArrayList<>();
      for (int i = 0; i < o.findings().size(); i++) {
        Detector.Finding f = o.findings().get(i);
        long id = o.anomalyIds().get(i);
        out.printf("  #%d %-5s %s %s%n", id, f.severity(), f.value().date(), f.detail());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("date", f.value().date().toString());
        m.put("series", f.value().series().toString());
        m.put("severity", f.severity());
        found.add(m);
      }
      if (!found.isEmpty()) {
        out.println("Explain one with: lakehouse anomalies explain --id N");
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("run_id", runId);
      summary.put("from", from.toString());
      summary.put("to", to.toString());
      summary.put("metric_values", o.metrics());
      summary.put("anomalies", found);
      return summary;
    } finally {
      lease.close();
    }
  }
}
