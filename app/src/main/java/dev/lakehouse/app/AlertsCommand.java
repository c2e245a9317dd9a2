package dev.lakehouse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.contract.KafkaTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description =
        "tail: print fraud alerts as they arrive on the fraud-alerts topic, one line each, until"
            + " Ctrl-C, --max or --timeout-seconds. The topic carries each alert at least once;"
            + " tail prints each alert_id once.")
final class AlertsCommand extends LakehouseCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "tail", description = "What to do.")
  String action;

  @Option(
      names = "--from-beginning",
      description = "Start with the oldest alert the topic holds, not with the next new one.")
  boolean fromBeginning;

  @Option(names = "--rule", paramLabel = "R", description = "Only alerts of this rule.")
  String rule;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N alerts.")
  Long max;

  @Option(
      names = "--timeout-seconds",
      paramLabel = "S",
      description = "Stop after S seconds without a new alert.")
  Long timeoutSeconds;

  @Override
  protected void validate(LakehouseConfig config) {
    if (!action.equals("tail")) {
      throw new ConfigException("Unknown action '" + action + "'; use tail.");
    }
    if (max != null && max < 1) {
      throw new ConfigException("--max must be at least 1, got " + max);
    }
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new ConfigException("--timeout-seconds must be at least 1, got " + timeoutSeconds);
    }
    if (rule != null) {
      dev.lakehouse.fraud.FraudRule.of(rule);
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws IOException {
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    KafkaTopics.ensureTopics(
        bootstrap, config.intValue(Settings.KAFKA_PARTITIONS), List.of(KafkaTopics.FRAUD_ALERTS));
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    Set<String> seen = new HashSet<>();
    Map<String, Long> byRule = new TreeMap<>();
    long printed = 0;
    long duplicates = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : consumer.partitionsFor(KafkaTopics.FRAUD_ALERTS)) {
        parts.add(new TopicPartition(i.topic(), i.partition()));
      }
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      if (!json()) {
        out.printf(
            "Waiting for fraud alerts on %s at %s%s; Ctrl-C to stop.%n",
            KafkaTopics.FRAUD_ALERTS, bootstrap, fromBeginning ? " (from the oldest)" : "");
        out.printf(
            "%-20s %-10s %7s %-14s %-16s %14s  %s%n",
            "event_ts (UTC)", "rule", "score", "customer", "transaction", "amount INR", "reason");
        out.flush();
      }
      long quietSince = System.nanoTime();
      outer:
      while (true) {
        boolean any = false;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode a = JSON.readTree(r.value());
          String id = a.path("alert_id").asText();
          if (!seen.add(id)) {
            duplicates++;
            continue;
          }
          if (rule != null && !rule.equals(a.path("rule").asText())) {
            continue;
          }
          any = true;
          byRule.merge(a.path("rule").asText(), 1L, Long::sum);
          printed++;
          if (!json()) {
            out.printf(
                "%-20s %-10s %7.2f %-14s %-16s %14s  %s%n",
                a.path("event_ts").asText().replace('T', ' ').replaceAll("\\..*|Z$|[+].*", ""),
                a.path("rule").asText(),
                a.path("score").asDouble(),
                a.path("customer_id").asText(),
                a.path("transaction_id").asText(),
                a.path("amount_inr").asText(),
                a.path("reason").asText());
            out.flush();
          }
          if (max != null && printed >= max) {
            break outer;
          }
        }
        if (any) {
          quietSince = System.nanoTime();
        } else if (timeoutSeconds != null
            && System.nanoTime() - quietSince > timeoutSeconds * 1_000_000_000L) {
          break;
        }
      }
    } finally {
      embedded.ifPresent(LocalServices.Started::close);
    }
    if (!json()) {
      out.printf(
          "%,d alerts%s.%n",
          printed, duplicates > 0 ? " (" + duplicates + " redelivered copies skipped)" : "");
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("alerts", printed);
    summary.put("alerts_by_rule", byRule);
    summary.put("redelivered_copies_skipped", duplicates);
    return summary;
  }
}
