package dev.lakehouse.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.services.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fraud stream end to end on a real broker: hand-built messages in, the exact alerts expected
 * out, in fraud.alerts and on the fraud-alerts topic; rule state carried from one run to the next
 * through the checkpoint; a replay from a deleted checkpoint duplicates no alert in the table.
 */
class FraudStreamTest {
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static LakehouseConfig config;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), "localhost", EmbeddedKafka.freePort());
    config =
        TestLake.config(
            dir.resolve("lake"), Settings.KAFKA_BOOTSTRAP + "=" + kafka.bootstrapServers());
    spark = TestLake.spark(config);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    kafka.close();
  }

  static String at(double minutes) {
    return T0.plusMillis((long) (minutes * 60_000)).toString();
  }

  /** A creation event of a customer-initiated payment. */
  static Map<String, Object> payment(
      String txn, String customer, String amount, double minute, String device, double[] place) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", 1);
    m.put("event_id", "e-" + txn + "-1");
    m.put("transaction_id", txn);
    m.put("sequence", 1);
    m.put("status", "PENDING");
    m.put("txn_type", "UPI_PAYMENT");
    m.put("account_id", "A-" + customer);
    m.put("customer_id", customer);
    m.put("amount", new java.math.BigDecimal(amount));
    m.put("currency", "INR");
    m.put("channel", "APP");
    m.put("event_ts", at(minute));
    m.put("status_ts", at(minute));
    if (device != null) {
      m.put("device_id", device);
    }
    if (place != null) {
      m.put("latitude", place[0]);
      m.put("longitude", place[1]);
    }
    return m;
  }

  static void send(List<Object> messages) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    KafkaTopics.ensureTopics(kafka.bootstrapServers(), 3);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (Object m : messages) {
        byte[] value =
            m instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(m);
        String key = m instanceof Map<?, ?> map ? String.valueOf(map.get("customer_id")) : "broken";
        producer.send(
            new ProducerRecord<>("transactions", key.getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }

  static FraudResult drain() {
    return FraudStream.run(spark, config, new FraudStream.Options(true));
  }

  static Set<String> alertIds() {
    Set<String> ids = new TreeSet<>();
    for (Row r : spark.sql("SELECT alert_id FROM " + Tables.FRAUD_ALERTS).collectAsList()) {
      ids.add(r.getString(0));
    }
    return ids;
  }

  /** Every message on the fraud-alerts topic, from the beginning. */
  static List<JsonNode> published() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(KafkaTopics.FRAUD_ALERTS)
          .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(JSON.readTree(r.value()));
        }
      }
    }
    return out;
  }

  @Test
  void alertsOnceInTheTableAndAtLeastOnceOnTheTopicWithStateAcrossRunsThenWithAModel()
      throws Exception {
    double[] mumbai = {19.0760, 72.8777};
    double[] delhi = {28.7041, 77.1025};
    List<Object> first = new ArrayList<>();
    // C1: five payments in eight minutes (velocity on the fifth), then 30 minutes after the
    // fifth a payment from Delhi (about 1,150 km away) on a new device: travel and new-device.
    double[] minutes = {0, 2, 4, 6, 8};
    for (int i = 0; i < minutes.length; i++) {
      first.add(payment("C1-T" + (i + 1), "C1", "100.00", minutes[i], "D1", mumbai));
    }
    first.add(payment("C1-T6", "C1", "100.00", 38, "D2", delhi));
    // Not scored: a status change, an incoming transfer, a platform fee, a broken message.
    Map<String, Object> settled = payment("C1-T1", "C1", "100.00", 0, "D1", mumbai);
    settled.put("event_id", "e-C1-T1-2");
    settled.put("sequence", 2);
    settled.put("status", "SUCCESS");
    first.add(settled);
    Map<String, Object> incoming = payment("C1-IN", "C1", "900000.00", 1, null, null);
    incoming.put("txn_type", "P2P_TRANSFER_IN");
    first.add(incoming);
    Map<String, Object> fee = payment("C1-FEE", "C1", "250000.00", 1, null, null);
    fee.put("txn_type", "FEE");
    first.add(fee);
    first.add("{\"transaction_id\": ");
    // C2: INR 250,000 (amount), redelivered; then USD 3,000 = INR 249,750 at the fixed rate.
    Map<String, Object> big = payment("C2-T1", "C2", "250000.00", 0, null, null);
    first.add(big);
    first.add(big);
    Map<String, Object> usd = payment("C2-T2", "C2", "3000.00", 30, null, null);
    usd.put("currency", "USD");
    first.add(usd);
    send(first);

    FraudResult one = drain();
    assertThat(one.scored()).isEqualTo(8);
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "velocity:C1-T5",
                "travel:C1-T6",
                "new-device:C1-T6",
                "amount:C2-T1",
                "amount:C2-T2"));
    assertThat(alertIds()).isEqualTo(expected);
    Row usdAlert =
        spark
            .sql(
                "SELECT CAST(amount_inr AS STRING), currency, CAST(score AS STRING) FROM "
                    + Tables.FRAUD_ALERTS
                    + " WHERE alert_id = 'amount:C2-T2'")
            .first();
    assertThat(usdAlert.getString(0)).isEqualTo("249750.00");
    assertThat(usdAlert.getString(1)).isEqualTo("USD");
    assertThat(Double.parseDouble(usdAlert.getString(2))).isEqualTo(249750.0 / 200000.0);

    // C3: a burst delivered out of order over two runs; the late one completes it.
    List<Object> second = new ArrayList<>();
    for (double m : new double[] {8, 0, 6, 2}) {
      second.add(payment("C3-T" + (int) m, "C3", "50.00", 100 + m, "D3", mumbai));
    }
    send(second);
    assertThat(drain().scored()).isEqualTo(4);
    assertThat(alertIds()).isEqualTo(expected);
    send(List.of(payment("C3-T4", "C3", "50.00", 104, "D3", mumbai)));
    FraudResult late = drain();
    assertThat(late.scored()).isEqualTo(1);
    expected.add("velocity:C3-T4");
    assertThat(alertIds()).isEqualTo(expected);
    // Nothing new: nothing scored, nothing written.
    assertThat(drain().scored()).isZero();

    // A lost checkpoint: the state is rebuilt from the first offset in one batch. In event-time
    // order C3's burst is now completed by C3-T8, not C3-T4. The table keeps exactly its rows
    // (every replayed offset is at or below its marks); the topic gets the replay's alerts too.
    long rows = spark.table(Tables.FRAUD_ALERTS).count();
    deleteRecursively(config.path(Settings.FRAUD_CHECKPOINT_DIR));
    FraudResult replay = drain();
    assertThat(replay.scored()).isEqualTo(13);
    assertThat(replay.alerts()).isEqualTo(expected.size());
    assertThat(spark.table(Tables.FRAUD_ALERTS).count()).isEqualTo(rows).isEqualTo(expected.size());
    assertThat(alertIds()).isEqualTo(expected);
    assertThat(spark.table(Tables.FRAUD_DECISIONS).count()).isEqualTo(13);

    // On the topic: every alert of the table at least once, and the replay's.
    List<JsonNode> onTopic = published();
    Set<String> topicIds = new HashSet<>();
    onTopic.forEach(n -> topicIds.add(n.get("alert_id").asText()));
    Set<String> replayed = new TreeSet<>(expected);
    replayed.add("velocity:C3-T8");
    assertThat(topicIds).isEqualTo(replayed);
    assertThat(onTopic).hasSize(2 * expected.size());
    JsonNode travel =
        onTopic.stream()
            .filter(n -> n.get("alert_id").asText().equals("travel:C1-T6"))
            .findFirst()
            .orElseThrow();
    assertThat(travel.get("customer_id").asText()).isEqualTo("C1");
    assertThat(travel.get("reason").asText()).contains("km from the previous transaction");

    // A learned model joins the rules from the stream's next start: trained here on decisions
    // where fraud is exactly a burst (six or more payments in the window), saved where the
    // stream looks. C5 then pays eight times in four minutes (velocity 1 to 8).
    FraudModel.train(
        burstLabelled(2_000), 0.2, 42, 0.9, config.location(Settings.FRAUD_MODEL_PATH));
    List<Object> burst = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      burst.add(payment("C5-T" + i, "C5", "75.00", 200 + 0.5 * i, "D5", mumbai));
    }
    send(burst);
    FraudResult scoredByModel = drain();
    assertThat(scoredByModel.scored()).isEqualTo(8);
    Map<String, Double> modelScores = new java.util.TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT transaction_id, model_score FROM "
                    + Tables.FRAUD_DECISIONS
                    + " WHERE customer_id = 'C5'")
            .collectAsList()) {
      modelScores.put(r.getString(0), r.getDouble(1));
    }
    assertThat(modelScores).hasSize(8);
    Set<String> modelAlerts = new TreeSet<>();
    alertIds().stream().filter(id -> id.startsWith("model:")).forEach(modelAlerts::add);
    // Alerts exactly where the score reached the threshold: the burst's end, not its start.
    Set<String> atThreshold = new TreeSet<>();
    modelScores.forEach(
        (txn, p) -> {
          if (p >= 0.9) {
            atThreshold.add("model:" + txn);
          }
        });
    assertThat(modelAlerts).isEqualTo(atThreshold).contains("model:C5-T7", "model:C5-T8");
    assertThat(modelAlerts).doesNotContain("model:C5-T1", "model:C5-T2", "model:C5-T3");
    // Decisions scored before the model existed keep no score.
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM "
                        + Tables.FRAUD_DECISIONS
                        + " WHERE model_score IS NOT NULL AND customer_id <> 'C5'")
                .first()
                .getLong(0))
        .isZero();
  }

  /**
   * The state store's TTL (processing time) on the processor itself, fed from memory: a customer
   * whose state was last written longer ago than the TTL starts afresh (its old device is
   * forgotten, so a second device is not new beside it), one written within the TTL does not.
   */
  @Test
  void stateUnusedForLongerThanItsTtlIsForgotten() throws Exception {
    FraudRules rules = FraudRules.from(config);
    org.apache.spark.sql.execution.streaming.MemoryStream<TxnEvent> input =
        new org.apache.spark.sql.execution.streaming.MemoryStream<>(
            1, spark.sqlContext(), scala.Option.apply(1), Encoders.bean(TxnEvent.class));
    // As FraudStream does: RocksDB's store, and no no-data batches (SPARK-50180: with them the
    // query never goes idle and processAllAvailable never returns).
    String provider = "spark.sql.streaming.stateStore.providerClass";
    String noData = "spark.sql.streaming.noDataMicroBatches.enabled";
    spark
        .conf()
        .set(provider, "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    spark.conf().set(noData, "false");
    org.apache.spark.sql.streaming.StreamingQuery query;
    try {
      query =
          input
              .toDS()
              .groupByKey(
                  (org.apache.spark.api.java.function.MapFunction<TxnEvent, String>)
                      TxnEvent::getCustomerId,
                  Encoders.STRING())
              .transformWithState(
                  new FraudProcessor(rules, Duration.ofSeconds(6)),
                  org.apache.spark.sql.streaming.TimeMode.ProcessingTime(),
                  org.apache.spark.sql.streaming.OutputMode.Append(),
                  Encoders.bean(Decision.class))
              .writeStream()
              .format("memory")
              .queryName("fraud_ttl")
              .option("checkpointLocation", dir.resolve("ttl-checkpoint").toString())
              .start();
    } finally {
      spark.conf().unset(provider);
      spark.conf().unset(noData);
    }
    try {
      // Batch 1: C7 pays from D1. Seven seconds later, batch 2: C8 pays from D1. At once,
      // batch 3: both pay from D2. C7's state is older than the 6 s TTL, C8's is not.
      add(input, event("C7-T1", "C7", 0, "D1"));
      query.processAllAvailable();
      // The TTL runs on the stream's processing-time clock: the timestamp of the batch that
      // wrote C7's state. Batch 2 starts once that clock has moved on by more than the TTL.
      long written = Instant.parse(query.lastProgress().timestamp()).toEpochMilli();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() > written + 7_000);
      add(input, event("C8-T1", "C8", 0, "D1"));
      query.processAllAvailable();
      add(input, event("C7-T2", "C7", 1, "D2"), event("C8-T2", "C8", 1, "D2"));
      query.processAllAvailable();
    } finally {
      query.stop();
    }
    Map<String, Boolean> newDevice = new java.util.TreeMap<>();
    for (Row r : spark.sql("SELECT transactionId, newDevice FROM fraud_ttl").collectAsList()) {
      newDevice.put(r.getString(0), r.getBoolean(1));
    }
    assertThat(newDevice)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("C7-T1", false, "C8-T1", false, "C7-T2", false, "C8-T2", true));
    // C7-T2 saw no history at all: its state had expired.
    assertThat(
            spark
                .sql("SELECT historyCount FROM fraud_ttl WHERE transactionId = 'C7-T2'")
                .first()
                .getLong(0))
        .isZero();
  }

  private static TxnEvent event(String txn, String customer, int minute, String device) {
    TxnEvent e = new TxnEvent();
    e.setTransactionId(txn);
    e.setCustomerId(customer);
    e.setAccountId("A-" + customer);
    e.setTxnType("UPI_PAYMENT");
    e.setAmount(new java.math.BigDecimal("100.00"));
    e.setCurrency("INR");
    e.setAmountInr(new java.math.BigDecimal("100.00"));
    e.setEventTs(java.sql.Timestamp.from(T0.plusSeconds(60L * minute)));
    e.setDeviceId(device);
    e.setKafkaTopic("memory");
    e.setKafkaTs(java.sql.Timestamp.from(T0));
    return e;
  }

  private static void add(
      org.apache.spark.sql.execution.streaming.MemoryStream<TxnEvent> input, TxnEvent... events) {
    input.addData(scala.jdk.javaapi.CollectionConverters.asScala(List.of(events)));
  }

  /** Labelled decisions where fraud is a burst of six to nine payments and nothing else counts. */
  static org.apache.spark.sql.Dataset<Row> burstLabelled(int n) {
    java.util.Random random = new java.util.Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean fraud = random.nextDouble() < 0.1;
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              "L" + i,
              "UPI_PAYMENT",
              java.math.BigDecimal.valueOf(50 + random.nextInt(5_000)),
              (long) random.nextInt(100),
              100 + 1_000 * random.nextDouble(),
              random.nextGaussian(),
              fraud ? 6 + random.nextInt(4) : 1 + random.nextInt(3),
              random.nextDouble() * 10,
              random.nextDouble() * 50,
              random.nextDouble() < 0.1,
              random.nextInt(24),
              fraud));
    }
    return spark.createDataFrame(rows, FraudModelTest.DECISIONS);
  }

  static void deleteRecursively(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
