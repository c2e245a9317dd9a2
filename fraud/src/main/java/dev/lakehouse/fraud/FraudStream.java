package dev.lakehouse.fraud;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.FixedInrRates;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ops.CommitGuard;
import dev.lakehouse.ops.StreamLock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fraud-alert stream: the transactions topic, the rules per customer in Spark's state store
 * ({@link FraudProcessor}), and per micro-batch the decisions to {@code fraud.decisions}, the
 * alerts to {@code fraud.alerts} (each exactly once, by the Kafka offsets stamped on the table as
 * bronze does) and then to the Kafka topic {@code fraud-alerts} (at least once: a batch replayed
 * after a crash sends its alerts again, so consumers dedupe on {@code alert_id}).
 */
public final class FraudStream {
  private static final Logger LOG = LoggerFactory.getLogger(FraudStream.class);
  private static final String ROCKSDB =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

  private static final String STATE_STORE_PROVIDER = "spark.sql.streaming.stateStore.providerClass";
  private static final String NO_DATA_BATCHES = "spark.sql.streaming.noDataMicroBatches.enabled";

  /** How to run: until Kafka is drained (schedulers, tests) or until stopped. */
  public record Options(boolean availableNow) {}

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final Options options;
  private final String checkpoint;
  private final Map<String, Long> alertsByRule = new TreeMap<>();
  private long batches;
  private long scored;
  private Optional<FraudModel.Scorer> model = Optional.empty();
  private boolean modelAlerts;
  private double modelThreshold;

  private FraudStream(SparkSession spark, LakehouseConfig config, Options options) {
    this.spark = spark;
    this.config = config;
    this.options = options;
    this.checkpoint = config.location(Settings.FRAUD_CHECKPOINT_DIR);
    for (FraudRule r : FraudRule.values()) {
      alertsByRule.put(r.id(), 0L);
    }
  }

  /** Runs the stream until Kafka is drained (available-now) or until it is stopped. */
  public static FraudResult run(SparkSession spark, LakehouseConfig config, Options options) {
    try (StreamLock lock = StreamLock.acquire(config, "fraud")) {
      return new FraudStream(spark, config, options).run();
    }
  }

  private FraudResult run() {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    int partitions = config.intValue(Settings.KAFKA_PARTITIONS);
    KafkaTopics.ensureTopics(bootstrap, partitions);
    KafkaTopics.ensureTopics(bootstrap, partitions, List.of(KafkaTopics.FRAUD_ALERTS));
    FraudTables.createIfMissing(spark);
    FraudRules rules = FraudRules.from(config);
    String modelPath = config.location(Settings.FRAUD_MODEL_PATH);
    model = FraudModel.load(spark, modelPath);
    modelAlerts = rules.alerts(FraudRule.MODEL);
    modelThreshold = config.doubleValue(Settings.FRAUD_MODEL_THRESHOLD);
    FraudModel.logLoaded(model, modelPath, modelAlerts);
    Dataset<Row> kafka =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", Topic.TRANSACTIONS.topicName())
            .option("startingOffsets", config.get(Settings.FRAUD_STARTING_OFFSETS))
            .option("kafka.isolation.level", "read_committed")
            .option("maxOffsetsPerTrigger", config.get(Settings.FRAUD_MAX_EVENTS_PER_BATCH))
            .load();
    Dataset<TxnEvent> events =
        kafka
            .select("value", "topic", "partition", "offset", "timestamp")
            .mapPartitions(
                new TransactionEvents(
                    config.contractLimits(),
                    FixedInrRates.parse(config.get(Settings.FX_INR_RATES))),
                Encoders.bean(TxnEvent.class));
    Dataset<Decision> decisions =
        events
            .groupByKey((MapFunction<TxnEvent, String>) TxnEvent::getCustomerId, Encoders.STRING())
            .transformWithState(
                new FraudProcessor(
                    rules, Duration.ofHours(config.longValue(Settings.FRAUD_STATE_TTL_HOURS))),
                TimeMode.ProcessingTime(),
                OutputMode.Append(),
                Encoders.bean(Decision.class));
    Trigger trigger =
        options.availableNow()
            ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(
                config.longValue(Settings.FRAUD_TRIGGER_SECONDS), TimeUnit.SECONDS);
    StreamingQuery query =
        withQueryConf(
            Map.of(
                // transformWithState keeps several state variables per key: only RocksDB's store
                // can.
                STATE_STORE_PROVIDER,
                ROCKSDB,
                // In processing-time mode transformWithState asks for a batch after every batch
                // (SPARK-50180), so an available-now run would never end and an idle continuous
                // one would spin. Expired state is still never read (TTL is checked on read) and
                // is cleaned up by the next batch with data.
                NO_DATA_BATCHES,
                "false"),
            () ->
                decisions
                    .toDF()
                    .writeStream()
                    .queryName("fraud")
                    .option("checkpointLocation", checkpoint)
                    .trigger(trigger)
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) this::writeBatch)
                    .start());
    String queryId = query.id().toString();
    LOG.info(
        "Fraud stream {} started ({}; rules {}), checkpoint {}.",
        queryId,
        options.availableNow()
            ? "draining what Kafka holds, then stopping"
            : "trigger every " + config.get(Settings.FRAUD_TRIGGER_SECONDS) + " s",
        config.get(Settings.FRAUD_RULES),
        checkpoint);
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException("The fraud stream failed: " + root.getMessage(), e);
    } finally {
      if (query.isActive()) {
        try {
          query.stop();
        } catch (TimeoutException e) {
          LOG.warn("The fraud stream did not stop within the timeout.");
        }
      }
    }
    return new FraudResult(queryId, batches, scored, Map.copyOf(alertsByRule));
  }

  /**
   * Starts the query with {@code settings} in force. A query runs on a copy of the session taken
   * when it starts, so the settings are restored afterwards and other work in the session is not
   * affected.
   */
  private StreamingQuery withQueryConf(Map<String, String> settings, QueryStart start) {
    Map<String, String> before = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          before.put(k, spark.conf().get(k, null));
          spark.conf().set(k, v);
        });
    try {
      return start.start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Cannot start the fraud stream: " + e.getMessage(), e);
    } finally {
      before.forEach(
          (k, v) -> {
            if (v == null) {
              spark.conf().unset(k);
            } else {
              spark.conf().set(k, v);
            }
          });
    }
  }

  private interface QueryStart {
    StreamingQuery start() throws TimeoutException;
  }

  private void writeBatch(Dataset<Row> batch, long batchId) {
    SparkSession session = batch.sparkSession();
    long started = System.nanoTime();
    Dataset<Row> rows = scoreWithModel(batch).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> ranges =
          rows.groupBy("kafkaTopic", "kafkaPartition")
              .agg(min("kafkaOffset"), max("kafkaOffset"), count("*"))
              .collectAsList();
      if (ranges.isEmpty()) {
        return;
      }
      Map<String, long[]> offsets = new TreeMap<>();
      long batchScored = 0;
      for (Row r : ranges) {
        offsets.put(
            CommitGuard.key(r.getString(0), r.getInt(1)), new long[] {r.getLong(2), r.getLong(3)});
        batchScored += r.getLong(4);
      }
      String queryId = queryId(session);
      CommitGuard.appendOnce(
          session,
          Tables.FRAUD_DECISIONS,
          decisionRows(rows),
          queryId,
          batchId,
          offsets,
          "kafka_offset");
      Dataset<Row> alerts = alertRows(rows).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Map<String, Long> batchAlerts = new TreeMap<>();
        for (Row r : alerts.groupBy("rule").count().collectAsList()) {
          batchAlerts.put(r.getString(0), r.getLong(1));
        }
        CommitGuard.appendOnce(
            session, Tables.FRAUD_ALERTS, alerts, queryId, batchId, offsets, "kafka_offset");
        if (!batchAlerts.isEmpty()) {
          publish(alerts);
        }
        batches++;
        scored += batchScored;
        batchAlerts.forEach((rule, n) -> alertsByRule.merge(rule, n, Long::sum));
        LOG.info(
            "Fraud batch {}: {} transactions scored, alerts {}, in {} ms.",
            batchId,
            batchScored,
            batchAlerts.isEmpty() ? "none" : batchAlerts,
            (System.nanoTime() - started) / 1_000_000);
      } finally {
        alerts.unpersist();
      }
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The batch with the model's score ({@code modelScore}, null without a model) and, when the model
   * rule alerts, its hit on every decision scored at or above the threshold.
   */
  private Dataset<Row> scoreWithModel(Dataset<Row> batch) {
    if (model.isEmpty()) {
      return batch.withColumn(FraudModel.BATCH_SCORE, lit(null).cast("double"));
    }
    Dataset<Row> scoredBatch = model.get().score(batch);
    return modelAlerts ? FraudModel.withModelHits(scoredBatch, modelThreshold) : scoredBatch;
  }

  private static Column[] kafkaColumns() {
    return new Column[] {
      col("kafkaTopic").as("kafka_topic"),
      col("kafkaPartition").as("kafka_partition"),
      col("kafkaOffset").as("kafka_offset"),
      col("kafkaTs").as("kafka_ts")
    };
  }

  /** Decisions in the column order of fraud.decisions. */
  static Dataset<Row> decisionRows(Dataset<Row> rows) {
    List<Column> columns =
        new java.util.ArrayList<>(
            List.of(
                col("transactionId").as("transaction_id"),
                col("customerId").as("customer_id"),
                col("accountId").as("account_id"),
                col("txnType").as("txn_type"),
                col("amountInr").cast("decimal(18,2)").as("amount_inr"),
                col("eventTs").as("event_ts"),
                col("detectedTs").as("detected_ts"),
                col("historyCount").as("history_count"),
                col("meanInr").as("mean_inr"),
                col("zScore").as("z_score"),
                col("velocityCount").as("velocity_count"),
                col("kmFromLast").as("km_from_last"),
                col("kmhFromLast").as("kmh_from_last"),
                col("newDevice").as("new_device"),
                col("hourOfDay").as("hour_of_day"),
                (List.of(rows.columns()).contains(FraudModel.BATCH_SCORE)
                        ? col(FraudModel.BATCH_SCORE)
                        : lit(null).cast("double"))
                    .as("model_score"),
                transform(col("hits"), h -> h.getField("rule")).as("rules")));
    columns.addAll(List.of(kafkaColumns()));
    return rows.select(columns.toArray(Column[]::new));
  }

  /** One row per rule that fired, in the column order of fraud.alerts. */
  static Dataset<Row> alertRows(Dataset<Row> rows) {
    List<Column> columns =
        new java.util.ArrayList<>(
            List.of(
                concat(col("hit.rule"), lit(":"), col("transactionId")).as("alert_id"),
                col("hit.rule").as("rule"),
                col("hit.score").as("score"),
                col("transactionId").as("transaction_id"),
                col("customerId").as("customer_id"),
                col("accountId").as("account_id"),
                col("txnType").as("txn_type"),
                col("amount").cast("decimal(18,2)").as("amount"),
                col("currency"),
                col("amountInr").cast("decimal(18,2)").as("amount_inr"),
                col("eventTs").as("event_ts"),
                col("detectedTs").as("detected_ts"),
                col("hit.reason").as("reason")));
    columns.addAll(List.of(kafkaColumns()));
    return rows.withColumn("hit", explode(col("hits"))).select(columns.toArray(Column[]::new));
  }

  /** The batch's alerts to the fraud-alerts topic, keyed by customer, as JSON. */
  private void publish(Dataset<Row> alerts) {
    alerts
        .select(
            col("customer_id").as("key"),
            to_json(
                    struct(
                        col("alert_id"),
                        col("rule"),
                        col("score"),
                        col("transaction_id"),
                        col("customer_id"),
                        col("account_id"),
                        col("txn_type"),
                        col("amount"),
                        col("currency"),
                        col("amount_inr"),
                        col("event_ts"),
                        col("detected_ts"),
                        col("kafka_ts"),
                        col("reason")))
                .as("value"))
        .write()
        .format("kafka")
        .option("kafka.bootstrap.servers", config.get(Settings.KAFKA_BOOTSTRAP))
        .option("topic", KafkaTopics.FRAUD_ALERTS)
        .save();
  }

  /** The query id, which the checkpoint keeps across restarts. */
  private String queryId(SparkSession session) {
    String id = session.sparkContext().getLocalProperty("sql.streaming.queryId");
    if (id != null) {
      return id;
    }
    org.apache.hadoop.fs.Path metadata = new org.apache.hadoop.fs.Path(checkpoint, "metadata");
    try (java.io.InputStream in =
        metadata.getFileSystem(session.sparkContext().hadoopConfiguration()).open(metadata)) {
      return new ObjectMapper().readTree(in).get("id").asText();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the stream's query id from " + checkpoint, e);
    }
  }

  /** Stops a running continuous stream from another thread (Ctrl-C). */
  public static void stopAll(SparkSession spark) {
    for (StreamingQuery q : spark.streams().active()) {
      try {
        q.stop();
      } catch (TimeoutException e) {
        LOG.warn("A stream did not stop within the timeout.");
      }
    }
  }
}
