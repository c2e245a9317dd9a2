package dev.lakehouse.app;

import dev.lakehouse.bronze.BronzeResult;
import dev.lakehouse.bronze.BronzeStream;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.contract.Topic;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bronze",
    mixinStandardHelpOptions = true,
    description =
        "Stream the four topics into bronze.transactions, bronze.customers, bronze.accounts and"
            + " bronze.merchants, with every message that breaks the contract in"
            + " bronze.dead_letters and one ledger row per micro-batch and partition in"
            + " ops.stream_batches. Exactly once across restarts. Without --available-now it runs"
            + " until Ctrl-C, triggering every bronze.trigger-seconds.")
final class BronzeCommand extends LakehouseCommand {
  @Option(
      names = "--available-now",
      description = "Drain what Kafka holds now, then stop (for schedulers).")
  boolean availableNow;

  @Option(
      names = "--allow-data-loss",
      description =
          "Continue when offsets the stream needs were deleted from Kafka; the lost ranges are"
              + " recorded in ops.stream_batches.")
  boolean allowDataLoss;

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    long started = System.nanoTime();
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-bronze");
    SparkSession spark = lease.spark();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    // On Ctrl-C: stop the stream, then let this command print its summary before the JVM exits.
    Thread stopper =
        new Thread(
            () -> {
              BronzeStream.stopAll(spark);
              try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bronze-stop");
    if (!availableNow) {
      Runtime.getRuntime().addShutdownHook(stopper);
      out.println("Bronze stream running; press Ctrl-C to stop after the current batch.");
      out.flush();
    }
    try {
      BronzeResult r =
          BronzeStream.run(spark, config, new BronzeStream.Options(availableNow, allowDataLoss));
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "Bronze %s: %,d batches, %,d messages read in %.1f s: %,d to bronze, %,d dead letters.%n",
          availableNow ? "drained Kafka" : "stopped",
          r.batches(),
          r.consumed(),
          seconds,
          r.bronzeTotal(),
          r.deadLetters());
      for (String topic : Topic.names()) {
        out.printf("  bronze.%-13s +%,d rows%n", topic, r.bronzeRows().getOrDefault(topic, 0L));
      }
      r.deadLettersByReason()
          .forEach((reason, n) -> out.printf("  dead letters %-27s %,d%n", reason, n));
      if (r.replayedBatches() > 0) {
        out.printf(
            "  %d batch(es) replayed after an earlier crash; tables that already held them were"
                + " skipped.%n",
            r.replayedBatches());
      }
      if (r.lostOffsets() > 0) {
        out.printf(
            "  WARNING: %,d offsets had been deleted from Kafka before they were read; see"
                + " ops.stream_batches.%n",
            r.lostOffsets());
      }
      Map<String, Object> summary = new LinkedHashMap<>(r.toMap());
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
