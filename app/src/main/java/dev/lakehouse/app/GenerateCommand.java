package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.fraud.FraudTables;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Produce a seeded, deterministic stream of synthetic fintech events to Kafka: customers,"
            + " accounts and merchants, then transaction lifecycles over the last --days days"
            + " (ending --end-date), with late settlements, out-of-order updates, redeliveries and"
            + " malformed messages at the configured rates (generate.* keys), and fraud patterns"
            + " (generate.fraud-rate) whose labels go to fraud.labels. The same options produce"
            + " the same messages.")
final class GenerateCommand extends LakehouseCommand {
  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Messages on the transactions topic (default: ${DEFAULT-VALUE}).")
  long events = 100_000;

  @Option(
      names = "--days",
      paramLabel = "D",
      description = "Days of history (default: ${DEFAULT-VALUE}).")
  int days = 30;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--end-date",
      paramLabel = "YYYY-MM-DD",
      description = "Last day of the history, UTC (default: yesterday).")
  LocalDate endDate;

  @Option(
      names = "--fault",
      paramLabel = "KIND@DATE",
      description =
          "Inject a fault on a day, for checking anomaly detection (repeatable): volume-drop (70%"
              + " of the day's transactions not sent), null-spike (60% without device_id),"
              + " channel-shift (half moved to WEB); e.g. --fault volume-drop@2026-10-10.")
  java.util.List<String> faults = new java.util.ArrayList<>();

  private dev.lakehouse.ingest.Faults parsedFaults() {
    try {
      return dev.lakehouse.ingest.Faults.parse(faults);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  @Override
  protected void validate(LakehouseConfig config) {
    parsedFaults();
    if (events < 1) {
      throw new ConfigException("--events must be at least 1, got " + events);
    }
    if (days < 1 || days > 3660) {
      throw new ConfigException("--days must be between 1 and 3660, got " + days);
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LocalDate end = endDate != null ? endDate : LocalDate.now(ZoneOffset.UTC).minusDays(1);
    GeneratorOptions options =
        GeneratorOptions.from(config, events, days, seed, end).withFaults(parsedFaults());
    long started = System.nanoTime();
    EventGenerator generator = new EventGenerator(options);
    GenerationReport report = generator.plan();
    out.printf(
        "Planned %,d messages (%,d on transactions) for %s to %s, seed %d.%n",
        generator.size(),
        report.topic(Topic.TRANSACTIONS.topicName()).messages(),
        end.minusDays(days - 1L),
        end,
        seed);
    out.flush();
    Map<String, Object> summary;
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    try {
      String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
      KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
      long sent;
      try (EventProducer producer = new EventProducer(bootstrap);
          ProgressBar bar = progressBar(generator.size())) {
        sent =
            producer.sendAll(
                generator.messages(),
                n -> {
                  if (bar != null) {
                    bar.stepTo(n);
                  }
                });
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "Produced %,d messages to %s in %.1f s (%,.0f messages/s).%n",
          sent, bootstrap, seconds, sent / seconds);
      for (String topic : Topic.names()) {
        GenerationReport.TopicCounts c = report.topic(topic);
        out.printf(
            "  %-13s %,10d messages: %,d valid (%,d redeliveries), %,d malformed %s%n",
            topic,
            c.messages(),
            c.valid(),
            c.duplicates(),
            c.malformedTotal(),
            c.malformed().isEmpty() ? "" : c.malformed());
      }
      out.printf(
          "  %,d transactions: %,d late settlements (1-3 days), %,d beyond 3 days, %,d out of"
              + " order, %,d reversals, %,d failures.%n",
          report.toMap().get("transactions"),
          report.toMap().get("late_settlements"),
          report.toMap().get("settlements_beyond_3_days"),
          report.toMap().get("out_of_order_deliveries"),
          report.toMap().get("reversals"),
          report.toMap().get("failures"));
      summary = report.toMap();
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
    } finally {
      embedded.ifPresent(LocalServices.Started::close);
    }
    summary.put("labels_recorded", recordLabels(config, report, out));
    if (!faults.isEmpty()) {
      // The ground truth of the injected faults, for checking what anomaly detection finds.
      java.util.List<String> truth = new java.util.ArrayList<>();
      for (var t : options.faults().truth()) {
        truth.add(t.fault() + "@" + t.date() + ": " + t.metric() + " " + t.dimension());
        out.printf(
            "Injected %s on %s: expect an anomaly of %s %s.%n",
            t.fault(), t.date(), t.metric(), t.dimension());
      }
      summary.put("faults", truth);
    }
    return summary;
  }

  /** Writes the ground truth of the produced transactions to fraud.labels; returns the count. */
  private static long recordLabels(
      LakehouseConfig config, GenerationReport report, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-generate");
    long recorded;
    try {
      recorded = FraudTables.writeLabels(lease.spark(), report.fraudLabels());
    } finally {
      lease.close();
    }
    StringBuilder byPattern = new StringBuilder();
    report
        .fraudByPattern()
        .forEach(
            (pattern, count) ->
                byPattern
                    .append(byPattern.length() == 0 ? "" : ", ")
                    .append(String.format("%,d %s", count, pattern)));
    out.printf(
        "Recorded %,d labels (%,d fraud: %s) in %s.%n",
        recorded, report.fraudTransactions(), byPattern, Tables.FRAUD_LABELS);
    return recorded;
  }

  private static ProgressBar progressBar(long total) {
    if (System.console() == null) {
      return null;
    }
    return new ProgressBarBuilder()
        .setTaskName("Producing")
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(" msgs", 1)
        .showSpeed()
        .build();
  }
}
