package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.ops.anomaly.Anomalies;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "anomalies",
    mixinStandardHelpOptions = true,
    description =
        "The anomalies lakehouse observe found. 'list' shows the open ones (the newest"
            + " anomaly.open-days observed dates); 'explain --id N' gives one's evidence in plain"
            + " sentences: which metric, how far outside its usual range, since when, and what"
            + " else moved that day.")
final class AnomaliesCommand extends LakehouseCommand {
  @Parameters(index = "0", paramLabel = "ACTION", description = "list or explain.")
  String action;

  @Option(names = "--id", paramLabel = "N", description = "The anomaly to explain.")
  Long id;

  @Override
  protected void validate(LakehouseConfig config) {
    if (!action.equals("list") && !action.equals("explain")) {
      throw new ConfigException("Unknown action '" + action + "': list or explain.");
    }
    if (action.equals("explain") && id == null) {
      throw new ConfigException("explain needs --id N (the # that observe, status and list show).");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-anomalies");
    try {
      Map<String, Object> summary = new LinkedHashMap<>();
      if (action.equals("list")) {
        List<Anomalies.Anomaly> open =
            Anomalies.open(lease.spark(), config.intValue(Settings.ANOMALY_OPEN_DAYS));
        if (open.isEmpty()) {
          out.println("No open anomalies.");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Anomalies.Anomaly a : open) {
          out.printf("#%d %-5s %s %s%n", a.id(), a.severity(), a.date(), a.detail());
          rows.add(Map.of("id", a.id(), "severity", a.severity(), "date", a.date().toString()));
        }
        summary.put("open", rows);
        return summary;
      }
      Anomalies.Anomaly a =
          Anomalies.byId(lease.spark(), id)
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "No anomaly #"
                              + id
                              + ": 'lakehouse anomalies list' shows the open ones, ops.anomalies"
                              + " holds them all."));
      List<String> sentences = Anomalies.explain(lease.spark(), a);
      sentences.forEach(out::println);
      summary.put("id", a.id());
      summary.put("explanation", sentences);
      return summary;
    } finally {
      lease.close();
    }
  }
}
