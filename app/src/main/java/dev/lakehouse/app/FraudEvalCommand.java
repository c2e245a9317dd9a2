package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.fraud.FraudEvaluation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "fraud-eval",
    mixinStandardHelpOptions = true,
    description =
        "Measure the fraud rules against the labels (fraud.labels: the generator's ground truth or"
            + " a replayed labelled data set): per rule and for all rules together, precision"
            + " (alerted transactions that are fraud), recall (fraud transactions alerted) and"
            + " alert rate, over the labelled transactions the fraud stream scored; and which rules"
            + " catch each fraud pattern.")
final class FraudEvalCommand extends LakehouseCommand {
  @Option(
      names = "--source",
      paramLabel = "S",
      description = "Only labels from this source (generator, sparkov); default: every source.")
  String source;

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-fraud-eval");
    try {
      FraudEvaluation.Report r = FraudEvaluation.evaluate(lease.spark(), source);
      if (r.labelled() == 0) {
        out.println(
            "No labels"
                + (source == null ? "" : " from source " + source)
                + " in fraud.labels: run generate (or ingest --format sparkov-csv) first.");
      } else {
        out.printf(
            "Labels%s: %,d transactions, %,d of them scored by the fraud stream, %,d fraud among"
                + " those (%,d more fraud not scored yet).%n",
            source == null ? "" : " from " + source,
            r.labelled(),
            r.scored(),
            r.fraud(),
            r.fraudNotScored());
        List<String[]> rows = new ArrayList<>();
        for (FraudEvaluation.RuleFigures f : r.rules()) {
          rows.add(
              new String[] {
                f.rule(),
                String.format("%,d", f.alerted()),
                String.format("%,d", f.truePositives()),
                String.format("%,d", f.falsePositives()),
                percent(f.precision()),
                percent(f.recall()),
                String.format("%.3f%%", 100 * f.alertRate())
              });
        }
        out.print(
            TextTable.renderText(
                new String[] {
                  "rule", "alerted", "fraud", "not fraud", "precision", "recall", "alert rate"
                },
                rows));
        if (!r.recallByPattern().isEmpty()) {
          out.println("Recall by fraud pattern:");
          List<String[]> patterns = new ArrayList<>();
          List<String> columns = new ArrayList<>(List.of("pattern"));
          r.recallByPattern().values().iterator().next().keySet().forEach(columns::add);
          r.recallByPattern()
              .forEach(
                  (pattern, perRule) -> {
                    List<String> row = new ArrayList<>(List.of(pattern));
                    perRule.values().forEach(v -> row.add(percent(v)));
                    patterns.add(row.toArray(String[]::new));
                  });
          out.print(TextTable.renderText(columns.toArray(String[]::new), patterns));
        }
        if (r.modelScored() == 0) {
          out.println(
              "Model: no scored transaction has a model score (fraud-train saves a model; the"
                  + " fraud stream scores with it from its next start).");
        } else {
          out.printf(
              "Model: %,d transactions scored; area under the precision-recall curve %s"
                  + " (a score without skill: %s, the share of fraud).%n",
              r.modelScored(),
              r.modelAucPr() == null
                  ? "- (needs both fraud and not fraud)"
                  : String.format("%.3f", r.modelAucPr()),
              String.format("%.4f", r.modelBaseRate()));
        }
      }
      return r.toMap();
    } finally {
      lease.close();
    }
  }

  private static String percent(Double v) {
    return v == null ? "-" : String.format("%.1f%%", 100 * v);
  }
}
