package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.fraud.FraudTables;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.OutgoingMessage;
import dev.lakehouse.ingest.SparkovCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a file to Kafka.",
      "--format lines (the default): send each line of the file to --topic as one message, byte"
          + " for byte (a replay tool for captured traffic). Lines are split at \\n only; they"
          + " need not be valid JSON or UTF-8. The final newline does not start an extra message."
          + " Messages carry no key and the current time.",
      "--format sparkov-csv: map Sparkov's labelled card-fraud data set (Kaggle"
          + " kartik2112/fraud-detection, fraudTrain.csv or fraudTest.csv) onto the contract: one"
          + " customer and one CREDIT_CARD account per card, one merchant per name, one card"
          + " payment per row (USD), sent to the contract topics with the entity ids as keys;"
          + " is_fraud goes to fraud.labels. See docs/fraud-sparkov.md."
    })
final class IngestCommand extends LakehouseCommand {
  static final String LINES = "lines";
  static final String SPARKOV_CSV = "sparkov-csv";

  /** Labels per MERGE into fraud.labels: bounds the copy Spark makes of them. */
  private static final int LABELS_PER_WRITE = 200_000;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "lines or sparkov-csv (default: ${DEFAULT-VALUE}).")
  String format = LINES;

  @Option(
      names = "--topic",
      paramLabel = "T",
      description =
          "With --format lines (required): one of transactions, customers, accounts, merchants."
              + " Not allowed with sparkov-csv, which sends to all four.")
  String topic;

  @Option(names = "--file", required = true, paramLabel = "F", description = "The file to replay.")
  Path file;

  @Override
  protected void validate(LakehouseConfig config) {
    switch (format) {
      case LINES -> {
        if (topic == null) {
          throw new ConfigException(
              "--format lines needs --topic, one of " + String.join(", ", Topic.names()) + ".");
        }
        if (!Topic.names().contains(topic)) {
          throw new ConfigException(
              "Unknown topic '"
                  + topic
                  + "'; use one of "
                  + String.join(", ", Topic.names())
                  + ".");
        }
      }
      case SPARKOV_CSV -> {
        if (topic != null) {
          throw new ConfigException(
              "--topic does not apply to --format sparkov-csv, which sends customers, accounts,"
                  + " merchants and transactions to their own topics; leave --topic out.");
        }
      }
      default ->
          throw new ConfigException(
              "Unknown --format '" + format + "'; use " + LINES + " or " + SPARKOV_CSV + ".");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot read --file " + file + ": no such file.");
    }
    if (format.equals(SPARKOV_CSV)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        SparkovCsv.checkHeader(in);
      } catch (ConfigException e) {
        throw new ConfigException("Cannot replay " + file + ": " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("Cannot read --file " + file + ": " + e.getMessage());
      }
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws IOException {
    return format.equals(SPARKOV_CSV) ? replaySparkov(config, out) : sendLines(config, out);
  }

  private Map<String, Object> sendLines(LakehouseConfig config, PrintWriter out)
      throws IOException {
    List<byte[]> lines = splitLines(Files.readAllBytes(file));
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    try {
      String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
      KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
      long now = System.currentTimeMillis();
      List<OutgoingMessage> messages = new ArrayList<>(lines.size());
      for (byte[] line : lines) {
        messages.add(new OutgoingMessage(topic, null, line, now));
      }
      long sent;
      try (EventProducer producer = new EventProducer(bootstrap)) {
        sent = producer.sendAll(messages, n -> {});
      }
      out.printf("Sent %,d messages from %s to topic %s at %s.%n", sent, file, topic, bootstrap);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("topic", topic);
      summary.put("messages", sent);
      return summary;
    } finally {
      embedded.ifPresent(LocalServices.Started::close);
    }
  }

  /**
   * Two passes over the file (see {@link SparkovCsv}): the first checks every row before anything
   * is sent; then reference data, the transactions, and last the labels.
   */
  private Map<String, Object> replaySparkov(LakehouseConfig config, PrintWriter out)
      throws IOException {
    long started = System.nanoTime();
    SparkovCsv replay = new SparkovCsv(System.currentTimeMillis());
    out.printf("Checking %s and collecting its cards and merchants.%n", file);
    out.flush();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      replay.readReferenceData(in, n -> progress(out, "  %,d rows checked.%n", n));
    } catch (ConfigException e) {
      throw new ConfigException("Cannot replay " + file + ": " + e.getMessage());
    }
    out.printf(
        "%,d rows: %,d cards, %,d merchants, %,d fraud.%n",
        replay.rows(), replay.cards(), replay.merchants(), replay.frauds());
    out.flush();

    List<FraudLabel> labels = new ArrayList<>((int) Math.min(replay.rows(), Integer.MAX_VALUE));
    long reference;
    long transactions;
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    try {
      KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
      try (EventProducer producer = new EventProducer(bootstrap)) {
        reference = producer.sendAll(replay.referenceMessages(), n -> {});
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          transactions =
              replay.readTransactions(
                  in,
                  (message, label) -> {
                    producer.send(message);
                    labels.add(label);
                  },
                  n -> {
                    // Waiting here now and then surfaces a broker error early, not at the end.
                    producer.flush();
                    progress(out, "  %,d transactions sent.%n", n);
                  });
        }
        producer.flush();
      }
    } finally {
      embedded.ifPresent(LocalServices.Started::close);
    }
    out.printf(
        "Sent %,d reference messages and %,d transactions to %s; writing %,d labels to %s.%n",
        reference, transactions, bootstrap, labels.size(), Tables.FRAUD_LABELS);
    out.flush();

    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-ingest");
    long written = 0;
    try {
      for (int from = 0; from < labels.size(); from += LABELS_PER_WRITE) {
        List<FraudLabel> chunk =
            labels.subList(from, Math.min(labels.size(), from + LABELS_PER_WRITE));
        written += FraudTables.writeLabels(lease.spark(), chunk);
      }
    } finally {
      lease.close();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "Replayed %s in %.1f s: %,d rows, %,d customers, %,d accounts, %,d merchants, %,d"
            + " transactions, %,d fraud labels (%,d fraud).%n",
        file,
        seconds,
        replay.rows(),
        replay.cards(),
        replay.cards(),
        replay.merchants(),
        transactions,
        written,
        replay.frauds());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("format", SPARKOV_CSV);
    summary.put("rows", replay.rows());
    summary.put("customers", replay.cards());
    summary.put("accounts", replay.cards());
    summary.put("merchants", replay.merchants());
    summary.put("transactions", transactions);
    summary.put("messages", reference + transactions);
    summary.put("fraud_labels", written);
    summary.put("fraud", replay.frauds());
    summary.put("seconds", Math.round(seconds * 10) / 10.0);
    return summary;
  }

  private static void progress(PrintWriter out, String format, long n) {
    out.printf(format, n);
    out.flush();
  }

  static List<byte[]> splitLines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      lines.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    }
    return lines;
  }
}
