package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.fraud.FraudModel;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "fraud-train",
    mixinStandardHelpOptions = true,
    description =
        "Train the learned fraud score (the model rule): a class-weighted logistic regression on"
            + " the features the fraud stream recorded for every transaction it scored"
            + " (fraud.decisions) against the labels (fraud.labels). A share of the transactions,"
            + " chosen by a hash of their ids, is held out; the area under its precision-recall"
            + " curve is reported. The model is saved at fraud.model-path, replacing the previous"
            + " one once completely written; the fraud stream loads it when it next starts.")
final class FraudTrainCommand extends LakehouseCommand {
  @Option(
      names = "--test-fraction",
      paramLabel = "F",
      defaultValue = "0.2",
      description =
          "Share of the labelled transactions held out for testing (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "Seed of the hash that picks the held-out transactions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected void validate(LakehouseConfig config) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new ConfigException(
          "--test-fraction must be between 0 and 1 (exclusive), not " + testFraction + ".");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    long started = System.nanoTime();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-fraud-train");
    try {
      FraudModel.Figures f = FraudModel.train(lease.spark(), config, testFraction, seed);
      out.printf(
          "Trained on %,d transactions (%,d fraud), tested on %,d held out (%,d fraud) in %.1f"
              + " s.%n",
          f.trainRows(),
          f.trainFraud(),
          f.testRows(),
          f.testFraud(),
          (System.nanoTime() - started) / 1e9);
      out.printf(
          "Held out: area under the precision-recall curve %.3f (a score without skill: %.4f,"
              + " the share of fraud); under the ROC curve %.3f.%n",
          f.aucPr(), f.baseRate(), f.aucRoc());
      out.printf(
          "At fraud.model.threshold %s: %,d alerts, precision %s, recall %s.%n",
          config.get(Settings.FRAUD_MODEL_THRESHOLD),
          f.alertsAtThreshold(),
          f.precisionAtThreshold() == null
              ? "-"
              : String.format("%.1f%%", 100 * f.precisionAtThreshold()),
          String.format("%.1f%%", 100 * f.recallAtThreshold()));
      out.println("Saved at " + f.path() + "; the fraud stream uses it from its next start.");
      return f.toMap();
    } finally {
      lease.close();
    }
  }
}
