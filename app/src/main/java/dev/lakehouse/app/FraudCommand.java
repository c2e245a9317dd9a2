package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.fraud.FraudResult;
import dev.lakehouse.fraud.FraudStream;
import dev.lakehouse.ops.StreamLock;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "fraud",
    mixinStandardHelpOptions = true,
    description =
        "Score every payment on the transactions topic with the fraud rules (amount, velocity,"
            + " spike, travel, new-device; fraud.* keys), keeping each customer's state in Spark's"
            + " state store. Alerts go to fraud.alerts (exactly once), to the Kafka topic"
            + " fraud-alerts (at least once: dedupe on alert_id) and, with export, to"
            + " marts.fraud_alerts; every scored transaction's features to fraud.decisions."
            + " Without --available-now it runs until Ctrl-C, triggering every"
            + " fraud.trigger-seconds.")
final class FraudCommand extends LakehouseCommand {
  @Option(
      names = "--available-now",
      description = "Score what Kafka holds now, then stop (for schedulers and tests).")
  boolean availableNow;

  @Option(
      names = "--skip-if-running",
      description =
          "When a fraud stream already runs on this lake (a continuous one, say), say so and exit"
              + " 0 instead of refusing with exit 2: for a scheduled --available-now task that"
              + " must not fail while the continuous stream does its work.")
  boolean skipIfRunning;

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    long started = System.nanoTime();
    if (skipIfRunning) {
      Optional<String> holder = StreamLock.holder(config, "fraud");
      if (holder.isPresent()) {
        out.println(
            "Nothing to do: the running fraud stream scores the transactions. " + holder.get());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("skipped", true);
        summary.put("reason", "a fraud stream is already running");
        return summary;
      }
    }
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-fraud");
    SparkSession spark = lease.spark();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    Thread stopper =
        new Thread(
            () -> {
              FraudStream.stopAll(spark);
              try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fraud-stop");
    if (!availableNow) {
      Runtime.getRuntime().addShutdownHook(stopper);
      out.println(
          "Fraud stream running (rules "
              + config.get(Settings.FRAUD_RULES)
              + "); press Ctrl-C to stop after the current batch.");
      out.flush();
    }
    try {
      FraudResult r = FraudStream.run(spark, config, new FraudStream.Options(availableNow));
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "Fraud %s: %,d batches, %,d transactions scored in %.1f s, %,d alerts.%n",
          availableNow ? "drained Kafka" : "stopped", r.batches(), r.scored(), seconds, r.alerts());
      r.alertsByRule().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.printf("  %-11s %,d alerts%n", e.getKey(), e.getValue()));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("query_id", r.queryId());
      summary.put("batches", r.batches());
      summary.put("scored", r.scored());
      summary.put("alerts", r.alerts());
      summary.put("alerts_by_rule", new java.util.TreeMap<>(r.alertsByRule()));
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      return summary;
    } finally {
      if (!availableNow) {
        try {
          Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      lease.close();
      embedded.ifPresent(LocalServices.Started::close);
      finished.countDown();
    }
  }
}
