package dev.lakehouse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakehouse.app.LakehouseCommand;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.fraud.FraudEvaluation;
import dev.lakehouse.fraud.FraudModel;
import dev.lakehouse.fraud.FraudResult;
import dev.lakehouse.fraud.FraudStream;
import dev.lakehouse.fraud.FraudTables;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ingest.OutgoingMessage;
import dev.lakehouse.services.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-fraud",
    mixinStandardHelpOptions = true,
    description = {
      "The fraud stream's benchmark, in two parts, each on a fresh lake and an embedded broker.",
      "Accuracy: --events generated transactions with labelled fraud patterns (generate.fraud-rate)"
          + " scored in one available-now run; precision, recall and alert rate per rule, and the"
          + " scoring rate.",
      "Latency: transaction creation events produced at a steady --rate per second for --seconds"
          + " to a continuous fraud stream; p50, p95 and p99 of detected_ts - kafka_ts over every"
          + " decision after the --warmup-seconds, and of the alerts' arrival on the fraud-alerts"
          + " topic, against the same percentiles of a plain KafkaConsumer reading the same"
          + " messages in the same run (the floor: what Kafka alone costs). Goal: p95 <= 5 s.",
      "Writes bench/results/fraud.json and fraud.md (or --out)."
    })
final class FraudBenchCommand extends LakehouseCommand {
  static final LocalDate END = LocalDate.of(2026, 10, 31);

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Transactions for the accuracy part (default: ${DEFAULT-VALUE}; 0 skips it).")
  long events;

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "1000",
      description = "Events per second in the latency part (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "90",
      description = "How long the latency part produces (default: ${DEFAULT-VALUE}; 0 skips it).")
  int seconds;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      defaultValue = "20",
      description = "Produced first and left out of the percentiles (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where fraud.json and fraud.md go (default: bench/results).")
  Path outDir;

  private PrintWriter progress;

  @Override
  protected void validate(LakehouseConfig config) {
    if (events != 0 && events < 10_000) {
      throw new ConfigException("--events must be 0 (skip) or at least 10000, got " + events);
    }
    if (rate < 1 || rate > 100_000) {
      throw new ConfigException("--rate must be between 1 and 100000 events/s, got " + rate);
    }
    if (seconds < 0 || warmup < 0 || (seconds > 0 && warmup >= seconds)) {
      throw new ConfigException(
          "--warmup-seconds must be shorter than --seconds, and neither negative.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig base, PrintWriter out) throws Exception {
    progress = out;
    Path work = base.dataDir().resolve("bench-fraud");
    BenchCommand.deleteRecursively(work);
    Files.createDirectories(work);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Runtime.getRuntime().availableProcessors() + " cores");
    if (events > 0) {
      results.put("accuracy", accuracy(work.resolve("accuracy")));
    }
    if (seconds > 0) {
      results.put("latency", latency(work.resolve("latency")));
    }
    Path home = Path.of(System.getProperty("lakehouse.home", "."));
    Path dir = outDir != null ? outDir : home.resolve("bench/results");
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(dir.resolve("fraud.json"), json.writeValueAsString(results));
    String markdown = markdown(results);
    Files.writeString(dir.resolve("fraud.md"), markdown);
    out.println();
    out.println(markdown);
    out.printf("Results: %s and %s.%n", dir.resolve("fraud.json"), dir.resolve("fraud.md"));
    return results;
  }

  private static LakehouseConfig lake(Path dir, String bootstrap, String... more) {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("data-dir", dir.toString());
    overrides.put(Settings.KAFKA_BOOTSTRAP, bootstrap);
    for (int i = 0; i + 1 < more.length; i += 2) {
      overrides.put(more[i], more[i + 1]);
    }
    return LakehouseConfig.load("local", overrides);
  }

  private void step(String format, Object... args) {
    progress.printf("[bench-fraud] " + format + "%n", args);
    progress.flush();
  }

  /** Generated, labelled transactions scored in one run, then evaluated. */
  private Map<String, Object> accuracy(Path dir) throws Exception {
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), "localhost", EmbeddedKafka.freePort())) {
      LakehouseConfig config = lake(dir, kafka.bootstrapServers());
      EventGenerator generator =
          new EventGenerator(GeneratorOptions.from(config, events, 30, 42L, END));
      GenerationReport report = generator.plan();
      KafkaTopics.ensureTopics(kafka.bootstrapServers(), 3);
      step(
          "accuracy: producing %,d messages (%,d transactions over 30 days, seed 42, %,d fraud)",
          report.totalMessages(), events, report.fraudTransactions());
      try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
        producer.sendAll(generator.messages(), n -> {});
      }
      LakehouseSpark.Lease lease = LakehouseSpark.open(config, "bench-fraud-accuracy");
      try {
        SparkSession spark = lease.spark();
        FraudTables.writeLabels(spark, report.fraudLabels());
        step("accuracy: scoring with the fraud stream (available-now)");
        long started = System.nanoTime();
        FraudResult r = FraudStream.run(spark, config, new FraudStream.Options(true));
        double took = (System.nanoTime() - started) / 1e9;
        FraudEvaluation.Report eval = FraudEvaluation.evaluate(spark, null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transactions", events);
        m.put("scored", r.scored());
        m.put("batches", r.batches());
        m.put("seconds", round(took, 1));
        m.put("scored_per_second", Math.round(r.scored() / took));
        m.put("fraud_by_pattern", report.fraudByPattern());
        m.put("evaluation", eval.toMap());
        step(
            "accuracy: %,d scored in %.1f s (%,d/s), %,d alerts",
            r.scored(), took, Math.round(r.scored() / took), r.alerts());
        step("accuracy: training the model on those decisions (a fifth held out by id hash)");
        long trainStarted = System.nanoTime();
        FraudModel.Figures model = FraudModel.train(spark, config, 0.2, 42);
        Map<String, Object> fig = new LinkedHashMap<>(model.toMap());
        fig.put("seconds", round((System.nanoTime() - trainStarted) / 1e9, 1));
        m.put("model", fig);
        step(
            "accuracy: model AUC-PR %.3f on %,d held-out transactions (base rate %.4f)",
            model.aucPr(), model.testRows(), model.baseRate());
        return m;
      } finally {
        lease.close();
      }
    }
  }

  /**
   * A continuous fraud stream fed at a steady rate; meanwhile a plain consumer reads the same
   * messages as the floor.
   */
  private Map<String, Object> latency(Path dir) throws Exception {
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), "localhost", EmbeddedKafka.freePort())) {
      String bootstrap = kafka.bootstrapServers();
      LakehouseConfig config = lake(dir, bootstrap, Settings.FRAUD_STARTING_OFFSETS, "earliest");
      long total = (long) rate * seconds;
      // Creation events only: each is one scored payment (or a credit the stream skips).
      EventGenerator generator =
          new EventGenerator(GeneratorOptions.from(config, total * 3, 30, 7L, END));
      generator.plan();
      List<OutgoingMessage> messages = new ArrayList<>();
      for (OutgoingMessage m : generator.messages()) {
        if (m.topic().equals(Topic.TRANSACTIONS.topicName()) && messages.size() < total) {
          messages.add(m);
        }
      }
      KafkaTopics.ensureTopics(bootstrap, 3);
      KafkaTopics.ensureTopics(bootstrap, 3, List.of(KafkaTopics.FRAUD_ALERTS));
      LakehouseSpark.Lease lease = LakehouseSpark.open(config, "bench-fraud-latency");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        SparkSession spark = lease.spark();
        Future<FraudResult> stream =
            pool.submit(() -> FraudStream.run(spark, config, new FraudStream.Options(false)));
        // The first batch of an empty topic starts the query; then the clock starts.
        Thread.sleep(15_000);
        long warmupEnd = System.currentTimeMillis() + warmup * 1000L;
        Future<long[]> floor = pool.submit(() -> consumerLatencies(bootstrap, total, warmupEnd));
        step("latency: producing %,d events at %,d/s for %d s", messages.size(), rate, seconds);
        long started = System.nanoTime();
        produceSteadily(bootstrap, messages, warmupEnd);
        double producedIn = (System.nanoTime() - started) / 1e9;
        long[] plain = floor.get();
        // Let the stream score what is left (no new decisions for 5 s), then stop it.
        long deadline = System.currentTimeMillis() + 120_000;
        long decided = -1;
        int still = 0;
        while (System.currentTimeMillis() < deadline && still < 5) {
          Thread.sleep(1_000);
          long now = spark.table(Tables.qualified(Tables.FRAUD_DECISIONS)).count();
          still = now == decided ? still + 1 : 0;
          decided = now;
        }
        FraudStream.stopAll(spark);
        FraudResult r = stream.get();
        long cutoff = warmupEnd;
        long[] detected =
            longs(
                spark
                    .sql(
                        "SELECT CAST((unix_micros(detected_ts) - unix_micros(kafka_ts)) / 1000 AS"
                            + " BIGINT) FROM "
                            + Tables.qualified(Tables.FRAUD_DECISIONS)
                            + " WHERE unix_millis(kafka_ts) >= "
                            + cutoff)
                    .collectAsList());
        long[] onTopic = alertTopicLatencies(bootstrap, cutoff);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate_per_second", rate);
        m.put("produced", messages.size());
        m.put("produced_in_seconds", round(producedIn, 1));
        m.put("warmup_seconds", warmup);
        m.put("batches", r.batches());
        m.put("trigger_seconds", config.get(Settings.FRAUD_TRIGGER_SECONDS));
        m.put("detected_minus_kafka_ms", percentiles(detected));
        m.put("alert_on_topic_minus_kafka_ms", percentiles(onTopic));
        m.put("plain_consumer_ms", percentiles(plain));
        Map<String, Object> p = percentiles(detected);
        Map<String, Object> f = percentiles(plain);
        if (p.get("p95") instanceof Long ours && f.get("p95") instanceof Long base && base > 0) {
          m.put("p95_ratio_to_plain_consumer", round((double) ours / base, 1));
        }
        m.put("goal_p95_ms", 5000);
        return m;
      } finally {
        FraudStream.stopAll(lease.spark());
        pool.shutdownNow();
        lease.close();
      }
    }
  }

  /** Sends the messages with the current time as their Kafka timestamp, {@code rate} a second. */
  private void produceSteadily(String bootstrap, List<OutgoingMessage> messages, long warmupEnd)
      throws InterruptedException {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", "5");
    p.put("acks", "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      long start = System.nanoTime();
      long intervalNanos = 1_000_000_000L / rate;
      for (int i = 0; i < messages.size(); i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        OutgoingMessage m = messages.get(i);
        producer.send(new ProducerRecord<>(m.topic(), m.key(), m.value()));
        if (i > 0 && i % (rate * 10) == 0) {
          step("latency: %,d events sent", i);
        }
      }
      producer.flush();
    }
  }

  /** Poll time minus Kafka timestamp of every message, for those stamped after the warm-up. */
  private static long[] consumerLatencies(String bootstrap, long expected, long warmupEnd) {
    List<Long> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> parts = assign(consumer, Topic.TRANSACTIONS.topicName());
      consumer.seekToBeginning(parts);
      long seen = 0;
      long quietUntil = System.currentTimeMillis() + 60_000;
      while (seen < expected && System.currentTimeMillis() < quietUntil) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          seen++;
          quietUntil = now + 60_000;
          if (r.timestamp() >= warmupEnd) {
            out.add(now - r.timestamp());
          }
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Arrival on fraud-alerts (the record's timestamp) minus the transaction's kafka_ts. */
  private static long[] alertTopicLatencies(String bootstrap, long warmupEnd) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Long> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> parts = assign(consumer, KafkaTopics.FRAUD_ALERTS);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          var a = json.readTree(r.value());
          long kafkaTs = java.time.Instant.parse(a.path("kafka_ts").asText()).toEpochMilli();
          if (kafkaTs >= warmupEnd && seen.add(a.path("alert_id").asText())) {
            out.add(r.timestamp() - kafkaTs);
          }
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  private static List<TopicPartition> assign(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo i : consumer.partitionsFor(topic)) {
      parts.add(new TopicPartition(i.topic(), i.partition()));
    }
    consumer.assign(parts);
    return parts;
  }

  private static long[] longs(List<Row> rows) {
    return rows.stream().mapToLong(r -> r.getLong(0)).toArray();
  }

  /** Nearest-rank percentiles in milliseconds. */
  static Map<String, Object> percentiles(long[] values) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", values.length);
    if (values.length == 0) {
      return m;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    for (int p : new int[] {50, 95, 99}) {
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      m.put("p" + p, sorted[Math.max(0, rank - 1)]);
    }
    m.put("max", sorted[sorted.length - 1]);
    return m;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  @SuppressWarnings("unchecked")
  private static String markdown(Map<String, Object> results) {
    StringBuilder md = new StringBuilder("## Fraud stream (" + results.get("machine") + ")\n\n");
    if (results.get("accuracy") instanceof Map<?, ?> a) {
      Map<String, Object> eval = (Map<String, Object>) a.get("evaluation");
      md.append(
          String.format(
              "Accuracy: %,d generated transaction events (%s fraud transactions), %,d payments"
                  + " scored in %s s (%,d/s).%n%n",
              a.get("transactions"),
              eval.get("fraud"),
              a.get("scored"),
              a.get("seconds"),
              a.get("scored_per_second")));
      md.append("| rule | alerted | fraud | not fraud | precision | recall | alert rate |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Map<String, Object> r : (List<Map<String, Object>>) eval.get("rules")) {
        md.append(
            String.format(
                "| %s | %,d | %,d | %,d | %s | %s | %s |%n",
                r.get("rule"),
                r.get("alerted"),
                r.get("true_positives"),
                r.get("false_positives"),
                pct(r.get("precision")),
                pct(r.get("recall")),
                r.get("alert_rate") == null
                    ? "-"
                    : String.format("%.3f%%", 100 * ((Number) r.get("alert_rate")).doubleValue())));
      }
      md.append("\n");
      if (a.get("model") instanceof Map<?, ?> model) {
        md.append(
            String.format(
                "Model (fraud-train, logistic regression, class-weighted): trained on %s"
                    + " transactions (%s fraud) in %s s; on %s held out (%s fraud) the area under"
                    + " the precision-recall curve is %.3f against %.4f for a score without skill,"
                    + " under the ROC curve %.3f; at threshold %s it alerts %s times, precision %s,"
                    + " recall %s.%n%n",
                model.get("train_rows"),
                model.get("train_fraud"),
                model.get("seconds"),
                model.get("test_rows"),
                model.get("test_fraud"),
                ((Number) model.get("test_auc_pr")).doubleValue(),
                ((Number) model.get("test_base_rate")).doubleValue(),
                ((Number) model.get("test_auc_roc")).doubleValue(),
                model.get("threshold"),
                model.get("test_alerts_at_threshold"),
                pct(model.get("test_precision_at_threshold")),
                pct(model.get("test_recall_at_threshold"))));
      }
    }
    if (results.get("latency") instanceof Map<?, ?> l) {
      md.append(
          String.format(
              "Latency at %s events/s for %s events (warm-up %s s left out), trigger %s s:%n%n",
              l.get("rate_per_second"),
              l.get("produced"),
              l.get("warmup_seconds"),
              l.get("trigger_seconds")));
      md.append(
          "| measure | count | p50 ms | p95 ms | p99 ms | max ms |\n"
              + "|---|---:|---:|---:|---:|---:|\n");
      for (String k :
          List.of(
              "detected_minus_kafka_ms", "alert_on_topic_minus_kafka_ms", "plain_consumer_ms")) {
        Map<String, Object> p = (Map<String, Object>) l.get(k);
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s |%n",
                k,
                p.get("count"),
                p.getOrDefault("p50", "-"),
                p.getOrDefault("p95", "-"),
                p.getOrDefault("p99", "-"),
                p.getOrDefault("max", "-")));
      }
      md.append(
          String.format(
              "%nGoal p95 <= %s ms; p95 of detected - kafka_ts is %sx the plain consumer's.%n",
              l.get("goal_p95_ms"), l.get("p95_ratio_to_plain_consumer")));
    }
    return md.toString();
  }

  private static String pct(Object v) {
    return v == null ? "-" : String.format("%.1f%%", 100 * ((Number) v).doubleValue());
  }
}
