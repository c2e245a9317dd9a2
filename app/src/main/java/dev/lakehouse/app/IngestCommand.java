package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.OutgoingMessage;
import java.io.IOException;
import java.io.PrintWriter;
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
    description =
        "Send each line of a file to a topic as one message, byte for byte (a replay tool for"
            + " captured traffic). Lines are split at \\n"
            + " only; they need not be valid JSON or UTF-8. The final newline does not start an"
            + " extra message. Messages carry no key and the current time.")
final class IngestCommand extends LakehouseCommand {
  @Option(
      names = "--topic",
      required = true,
      paramLabel = "T",
      description = "One of: transactions, customers, accounts, merchants.")
  String topic;

  @Option(
      names = "--file",
      required = true,
      paramLabel = "F",
      description = "File whose lines are the messages.")
  Path file;

  @Override
  protected void validate(LakehouseConfig config) {
    if (!Topic.names().contains(topic)) {
      throw new ConfigException(
          "Unknown topic '" + topic + "'; use one of " + String.join(", ", Topic.names()) + ".");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot read --file " + file + ": no such file.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
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
