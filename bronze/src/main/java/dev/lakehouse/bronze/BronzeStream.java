package dev.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bronze job: a Structured Streaming query over the four topics that writes each micro-batch to
 * the bronze tables, the dead letters and the batch ledger, exactly once across restarts (see
 * {@link CommitGuard}).
 */
public final class BronzeStream {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeStream.class);
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

  static final StructType LEDGER_SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("query_id", DataTypes.StringType, false),
              DataTypes.createStructField("batch_id", DataTypes.LongType, false),
              DataTypes.createStructField("kafka_topic", DataTypes.StringType, false),
              DataTypes.createStructField("kafka_partition", DataTypes.IntegerType, false),
              DataTypes.createStructField("start_offset", DataTypes.LongType, false),
              DataTypes.createStructField("end_offset", DataTypes.LongType, false),
              DataTypes.createStructField("consumed", DataTypes.LongType, false),
              DataTypes.createStructField("bronze_rows", DataTypes.LongType, false),
              DataTypes.createStructField("dead_letters", DataTypes.LongType, false),
              DataTypes.createStructField("lost_from_offset", DataTypes.LongType, true),
              DataTypes.createStructField("lost_to_offset", DataTypes.LongType, true),
              DataTypes.createStructField("committed_at", DataTypes.TimestampType, false)));

  /** How to run: drain and stop, or run until stopped; whether lost offsets may be skipped. */
  public record Options(boolean availableNow, boolean allowDataLoss) {}

  /** Raised when Kafka no longer holds offsets the stream needs. */
  public static final class DataLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataLossException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final Options options;
  private final Path checkpoint;
  private final Map<String, Long> lastOffsets = new HashMap<>();
  private final Map<String, Long> bronzeRows = new TreeMap<>();
  private final Map<String, Long> deadLettersByReason = new TreeMap<>();
  private volatile String queryId;
  private long batches;
  private long replayedBatches;
  private long consumed;
  private long lostOffsets;

  private BronzeStream(SparkSession spark, LakehouseConfig config, Options options) {
    this.spark = spark;
    this.config = config;
    this.options = options;
    this.checkpoint = config.path(Settings.BRONZE_CHECKPOINT_DIR);
    for (String topic : Topic.names()) {
      bronzeRows.put(topic, 0L);
    }
  }

  /** Runs the stream until Kafka is drained (available-now) or until the thread is interrupted. */
  public static BronzeResult run(SparkSession spark, LakehouseConfig config, Options options) {
    return new BronzeStream(spark, config, options).run();
  }

  private BronzeResult run() {
    prepareCheckpoint();
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
    BronzeTables.createIfMissing(spark);
    loadLastOffsets();
    boolean failOnDataLoss =
        config.boolValue(Settings.BRONZE_FAIL_ON_DATA_LOSS) && !options.allowDataLoss();
    Dataset<Row> kafka =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", String.join(",", Topic.names()))
            .option("startingOffsets", "earliest")
            .option("failOnDataLoss", Boolean.toString(failOnDataLoss))
            .option("maxOffsetsPerTrigger", config.get(Settings.BRONZE_MAX_EVENTS_PER_BATCH))
            .load();
    Trigger trigger =
        options.availableNow()
            ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(
                config.longValue(Settings.BRONZE_TRIGGER_SECONDS), TimeUnit.SECONDS);
    StreamingQuery query;
    try {
      query =
          kafka
              .writeStream()
              .queryName("bronze")
              .option("checkpointLocation", checkpoint.toString())
              .trigger(trigger)
              .foreachBatch((VoidFunction2<Dataset<Row>, Long>) this::writeBatch)
              .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Cannot start the bronze stream: " + e.getMessage(), e);
    }
    queryId = query.id().toString();
    LOG.info(
        "Bronze stream {} started ({}), checkpoint {}.",
        queryId,
        options.availableNow()
            ? "draining what Kafka holds, then stopping"
            : "trigger every " + config.get(Settings.BRONZE_TRIGGER_SECONDS) + " s",
        checkpoint);
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw translate(e);
    } finally {
      if (query.isActive()) {
        try {
          query.stop();
        } catch (TimeoutException e) {
          LOG.warn("The bronze stream did not stop within the timeout.");
        }
      }
    }
    return new BronzeResult(
        queryId,
        batches,
        replayedBatches,
        consumed,
        java.util.Collections.unmodifiableMap(new TreeMap<>(bronzeRows)),
        java.util.Collections.unmodifiableMap(new TreeMap<>(deadLettersByReason)),
        lostOffsets);
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

  private RuntimeException translate(StreamingQueryException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("KAFKA_DATA_LOSS")
          || m.contains("data may have been lost")
          || m.contains("Some data may have been lost")) {
        return new DataLossException(
            "Cannot continue the bronze stream: Kafka no longer holds offsets it has not read yet"
                + " (deleted by retention, or the topic was recreated). Nothing was written for"
                + " them. Rerun with --allow-data-loss to skip them; the lost offset ranges are"
                + " then recorded in ops.stream_batches. Kafka said: "
                + firstLine(m),
            e);
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new IllegalStateException(
        "The bronze stream failed: " + firstLine(String.valueOf(root.getMessage())), e);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private void prepareCheckpoint() {
    try {
      Files.createDirectories(checkpoint);
      if (!Files.isWritable(checkpoint)) {
        throw new IOException("not writable");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start bronze stream: checkpoint location "
              + checkpoint
              + " is not writable ("
              + e.getMessage()
              + ").",
          e);
    }
  }

  private void loadLastOffsets() {
    for (Row r :
        spark
            .sql(
                "SELECT kafka_topic, kafka_partition, max(end_offset) FROM "
                    + Tables.OPS_STREAM_BATCHES
                    + " GROUP BY 1, 2")
            .collectAsList()) {
      lastOffsets.put(r.getString(0) + "-" + r.getInt(1), r.getLong(2));
    }
  }

  private String currentQueryId(SparkSession session) {
    String id = session.sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
    if (id != null) {
      return id;
    }
    try {
      // The checkpoint's metadata file holds the query id, which survives restarts.
      return new ObjectMapper()
          .readTree(checkpoint.resolve("metadata").toFile())
          .get("id")
          .asText();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the stream's query id from " + checkpoint, e);
    }
  }

  private void writeBatch(Dataset<Row> batch, long batchId) {
    SparkSession session = batch.sparkSession();
    String qid = currentQueryId(session);
    long startNanos = System.nanoTime();
    Timestamp ingestedAt = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
    Dataset<Row> parsed =
        MessageParsing.parse(batch, MessageParsing.limits(config))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> ranges =
          parsed
              .groupBy("kafka_topic", "kafka_partition")
              .agg(
                  min("kafka_offset"),
                  max("kafka_offset"),
                  count("*"),
                  sum(when(col("reason_code").isNull(), 1).otherwise(0)).cast("long"),
                  sum(when(col("reason_code").isNotNull(), 1).otherwise(0)).cast("long"))
              .orderBy("kafka_topic", "kafka_partition")
              .collectAsList();
      if (ranges.isEmpty()) {
        return;
      }
      Map<String, Long> validPerTopic = new TreeMap<>();
      long batchConsumed = 0;
      long batchDead = 0;
      for (Row r : ranges) {
        validPerTopic.merge(r.getString(0), r.getLong(5), Long::sum);
        batchConsumed += r.getLong(4);
        batchDead += r.getLong(6);
      }
      boolean replay = false;
      for (String topic : Topic.names()) {
        if (validPerTopic.getOrDefault(topic, 0L) > 0) {
          replay |=
              !CommitGuard.appendOnce(
                  session,
                  Topic.of(topic).bronzeTable(),
                  MessageParsing.valid(parsed, topic, ingestedAt),
                  qid,
                  batchId);
        }
      }
      Map<String, Long> reasons = new TreeMap<>();
      if (batchDead > 0) {
        replay |=
            !CommitGuard.appendOnce(
                session,
                Tables.BRONZE_DEAD_LETTERS,
                MessageParsing.deadLetters(parsed, ingestedAt),
                qid,
                batchId);
        for (Row r :
            parsed
                .filter(col("reason_code").isNotNull())
                .groupBy("reason_code")
                .count()
                .collectAsList()) {
          reasons.put(r.getString(0), r.getLong(1));
        }
      }
      List<Row> ledger = new ArrayList<>();
      long batchLost = 0;
      for (Row r : ranges) {
        String tp = r.getString(0) + "-" + r.getInt(1);
        long start = r.getLong(2);
        long end = r.getLong(3);
        Long lostFrom = null;
        Long lostTo = null;
        Long previous = lastOffsets.get(tp);
        long expectedStart = previous == null ? 0 : previous + 1;
        if (options.allowDataLoss() && start > expectedStart) {
          lostFrom = expectedStart;
          lostTo = start - 1;
          batchLost += start - expectedStart;
          LOG.warn(
              "Offsets {} to {} of {} were deleted from Kafka before bronze read them; recorded as"
                  + " lost.",
              lostFrom,
              lostTo,
              tp);
        }
        ledger.add(
            RowFactory.create(
                qid,
                batchId,
                r.getString(0),
                r.getInt(1),
                start,
                end,
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                lostFrom,
                lostTo,
                ingestedAt));
      }
      replay |=
          !CommitGuard.appendOnce(
              session,
              Tables.OPS_STREAM_BATCHES,
              session.createDataFrame(ledger, LEDGER_SCHEMA),
              qid,
              batchId);
      for (Row r : ranges) {
        lastOffsets.merge(r.getString(0) + "-" + r.getInt(1), r.getLong(3), Math::max);
      }
      batches++;
      if (replay) {
        replayedBatches++;
      }
      consumed += batchConsumed;
      validPerTopic.forEach((t, n) -> bronzeRows.merge(t, n, Long::sum));
      reasons.forEach((k, n) -> deadLettersByReason.merge(k, n, Long::sum));
      lostOffsets += batchLost;
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      LOG.info(
          "Bronze batch {} {}: {} messages read, {} to bronze {}, {} dead letters, in {} s ({}"
              + " messages/s).",
          batchId,
          replay
              ? "replayed after a restart (tables already holding it were skipped)"
              : "committed",
          batchConsumed,
          batchConsumed - batchDead,
          validPerTopic,
          batchDead,
          String.format("%.1f", seconds),
          Math.round(batchConsumed / Math.max(seconds, 1e-3)));
    } finally {
      parsed.unpersist();
    }
  }
}
