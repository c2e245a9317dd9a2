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
import dev.lakehouse.common.SideBySide;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ops.CommitGuard;
import dev.lakehouse.ops.StreamLock;
import java.io.IOException;
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
import org.apache.hadoop.fs.FileSystem;
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

  static final StructType SKIPPED_SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("query_id", DataTypes.StringType, false),
              DataTypes.createStructField("batch_id", DataTypes.LongType, false),
              DataTypes.createStructField("kafka_topic", DataTypes.StringType, false),
              DataTypes.createStructField("kafka_partition", DataTypes.IntegerType, false),
              DataTypes.createStructField("from_offset", DataTypes.LongType, false),
              DataTypes.createStructField("to_offset", DataTypes.LongType, false),
              DataTypes.createStructField("kind", DataTypes.StringType, false),
              DataTypes.createStructField("recorded_at", DataTypes.TimestampType, false)));

  /**
   * The offsets missing inside the range each topic-partition of the batch read (a range whose
   * count is below its span): transaction markers, compaction, or records deleted while the batch
   * read them. Each becomes a row of ops.skipped_offsets, so that every offset is accounted for.
   */
  private static List<Row> holes(
      Dataset<Row> parsed, List<Row> ranges, String qid, long batchId, Timestamp at) {
    List<Row> holes = new ArrayList<>();
    boolean any = false;
    for (Row r : ranges) {
      any |= r.getLong(4) < r.getLong(3) - r.getLong(2) + 1;
    }
    if (!any) {
      return holes;
    }
    for (Row h :
        parsed
            .select("kafka_topic", "kafka_partition", "kafka_offset")
            .withColumn(
                "previous",
                org.apache
                    .spark
                    .sql
                    .functions
                    .lag("kafka_offset", 1)
                    .over(
                        org.apache.spark.sql.expressions.Window.partitionBy(
                                "kafka_topic", "kafka_partition")
                            .orderBy("kafka_offset")))
            .filter(col("kafka_offset").gt(col("previous").plus(1)))
            .orderBy("kafka_topic", "kafka_partition", "kafka_offset")
            .collectAsList()) {
      long from = h.getLong(3) + 1;
      long to = h.getLong(2) - 1;
      LOG.warn(
          "Offsets {} to {} of {}-{} were not in the range batch {} read (transaction markers,"
              + " compaction or deletion); recorded in {}.",
          from,
          to,
          h.getString(0),
          h.getInt(1),
          batchId,
          Tables.OPS_SKIPPED_OFFSETS);
      holes.add(RowFactory.create(qid, batchId, h.getString(0), h.getInt(1), from, to, "hole", at));
    }
    return holes;
  }

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
  private final String checkpoint;
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
    this.checkpoint = config.location(Settings.BRONZE_CHECKPOINT_DIR);
    for (String topic : Topic.names()) {
      bronzeRows.put(topic, 0L);
    }
  }

  /** Runs the stream until Kafka is drained (available-now) or until the thread is interrupted. */
  public static BronzeResult run(SparkSession spark, LakehouseConfig config, Options options) {
    try (StreamLock lock = StreamLock.acquire(config, "bronze")) {
      return new BronzeStream(spark, config, options).run();
    }
  }

  private BronzeResult run() {
    prepareCheckpoint();
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
    BronzeTables.createIfMissing(spark);
    loadLastOffsets();
    refuseOffsetsGoneBackwards(bootstrap);
    String startingOffsets = startingOffsets(bootstrap);
    boolean failOnDataLoss =
        config.boolValue(Settings.BRONZE_FAIL_ON_DATA_LOSS) && !options.allowDataLoss();
    Dataset<Row> kafka =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", String.join(",", Topic.names()))
            .option("startingOffsets", startingOffsets)
            .option("failOnDataLoss", Boolean.toString(failOnDataLoss))
            // Records of aborted transactions are not messages; they become recorded holes.
            .option("kafka.isolation.level", "read_committed")
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
              .option("checkpointLocation", checkpoint)
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
                + " (deleted by retention). Nothing was written for them. Rerun with"
                + " --allow-data-loss to skip them; the skipped ranges are then recorded in"
                + " ops.skipped_offsets and ops.stream_batches. Kafka said: "
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

  private FileSystem checkpointFileSystem() throws IOException {
    return new org.apache.hadoop.fs.Path(checkpoint)
        .getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  private void prepareCheckpoint() {
    try {
      FileSystem fs = checkpointFileSystem();
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(checkpoint);
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create it");
      }
      org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(dir, ".write-probe");
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot start bronze stream: checkpoint location "
              + checkpoint
              + " is not writable ("
              + e.getMessage()
              + ").",
          e);
    }
  }

  /**
   * Refuses to read a partition whose offsets went backwards (the topic was recreated, or the
   * broker's data replaced): its new messages reuse offsets bronze already holds, and the
   * exactly-once guard would take them for messages it has.
   */
  private void refuseOffsetsGoneBackwards(String bootstrap) {
    if (lastOffsets.isEmpty()) {
      return;
    }
    Map<String, Long> ends = KafkaTopics.endOffsets(bootstrap);
    List<String> backwards = new ArrayList<>();
    lastOffsets.forEach(
        (tp, last) -> {
          Long end = ends.get(tp);
          if (end != null && last >= end) {
            backwards.add(
                tp + " (bronze holds up to offset " + last + ", Kafka ends at " + end + ")");
          }
        });
    if (!backwards.isEmpty()) {
      throw new IllegalStateException(
          "Kafka's offsets went backwards for "
              + String.join(", ", backwards)
              + ": the topic was recreated or the broker's data replaced, so offsets start over"
              + " and bronze cannot tell new messages from the ones it holds. Nothing was read."
              + " To ingest the new topic from its start, give bronze a new lake (data directory"
              + " or warehouse), or move its bronze tables and ops.stream_batches aside.");
    }
  }

  /** True when the checkpoint has never recorded a batch (new, or deleted). */
  private boolean checkpointIsNew() {
    try {
      FileSystem fs = checkpointFileSystem();
      org.apache.hadoop.fs.Path offsets = new org.apache.hadoop.fs.Path(checkpoint, "offsets");
      return !fs.exists(offsets) || fs.listStatus(offsets).length == 0;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read checkpoint " + checkpoint, e);
    }
  }

  /**
   * Where a new query starts: after the last offset the ledger records per topic-partition, so that
   * a lost or deleted checkpoint re-reads nothing bronze holds; from the earliest offset where the
   * ledger has none. A query with a checkpoint resumes from it instead (Spark ignores this option
   * then).
   */
  private String startingOffsets(String bootstrap) {
    if (lastOffsets.isEmpty() || !checkpointIsNew()) {
      return "earliest";
    }
    Map<String, Map<String, Long>> json = new TreeMap<>();
    KafkaTopics.partitions(bootstrap)
        .forEach(
            (topic, count) -> {
              Map<String, Long> byPartition = new TreeMap<>();
              for (int p = 0; p < count; p++) {
                Long last = lastOffsets.get(topic + "-" + p);
                byPartition.put(Integer.toString(p), last == null ? -2L : last + 1);
              }
              json.put(topic, byPartition);
            });
    try {
      String offsets = new ObjectMapper().writeValueAsString(json);
      LOG.info(
          "Checkpoint {} is new; starting after what ops.stream_batches records: {}",
          checkpoint,
          offsets);
      return offsets;
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
      try (java.io.InputStream in =
          checkpointFileSystem().open(new org.apache.hadoop.fs.Path(checkpoint, "metadata"))) {
        return new ObjectMapper().readTree(in).get("id").asText();
      }
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
        MessageParsing.parse(batch, config.contractLimits())
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
      Map<String, Map<String, long[]>> rangesByTopic = new TreeMap<>();
      Map<String, long[]> allRanges = new TreeMap<>();
      for (Row r : ranges) {
        long[] range = {r.getLong(2), r.getLong(3)};
        String key = CommitGuard.key(r.getString(0), r.getInt(1));
        allRanges.put(key, range);
        rangesByTopic.computeIfAbsent(r.getString(0), t -> new TreeMap<>()).put(key, range);
      }
      Map<String, Long> validPerTopic = new TreeMap<>();
      long batchConsumed = 0;
      long batchDead = 0;
      for (Row r : ranges) {
        validPerTopic.merge(r.getString(0), r.getLong(5), Long::sum);
        batchConsumed += r.getLong(4);
        batchDead += r.getLong(6);
      }
      // Each table's append is its own Spark job and commit, stamped with the batch's offsets, so
      // they may run side by side: a replay skips whichever tables already hold the batch. The
      // ledger, written last, is what says the batch is done.
      List<SideBySide.Work<CommitGuard.Outcome, RuntimeException>> appends = new ArrayList<>();
      for (String topic : Topic.names()) {
        if (validPerTopic.getOrDefault(topic, 0L) > 0) {
          appends.add(
              () ->
                  CommitGuard.appendOnce(
                      session,
                      Topic.of(topic).bronzeTable(),
                      MessageParsing.valid(parsed, topic, ingestedAt),
                      qid,
                      batchId,
                      rangesByTopic.get(topic),
                      "kafka_offset"));
        }
      }
      if (batchDead > 0) {
        appends.add(
            () ->
                CommitGuard.appendOnce(
                    session,
                    Tables.BRONZE_DEAD_LETTERS,
                    MessageParsing.deadLetters(parsed, ingestedAt),
                    qid,
                    batchId,
                    allRanges,
                    "kafka_offset"));
      }
      boolean replay = false;
      for (CommitGuard.Outcome outcome :
          SideBySide.all(
              "bronze-append", config.intValue(Settings.BRONZE_TABLES_AT_ONCE), appends)) {
        replay |= outcome != CommitGuard.Outcome.WROTE;
      }
      Map<String, Long> reasons = new TreeMap<>();
      if (batchDead > 0) {
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
      List<Row> skipped = holes(parsed, ranges, qid, batchId, ingestedAt);
      Map<String, Long> earliest = null;
      Map<String, Long> recorded =
          CommitGuard.marks(
              session,
              dev.lakehouse.common.LakehouseSpark.icebergTable(session, Tables.OPS_STREAM_BATCHES),
              Tables.OPS_STREAM_BATCHES);
      long batchLost = 0;
      for (Row r : ranges) {
        String tp = r.getString(0) + "-" + r.getInt(1);
        long start = r.getLong(2);
        long end = r.getLong(3);
        long[] counts = {r.getLong(4), r.getLong(5), r.getLong(6)};
        Long lostFrom = null;
        Long lostTo = null;
        Long previous = lastOffsets.get(tp);
        long expectedStart = previous == null ? 0 : previous + 1;
        Long mark = recorded.get(CommitGuard.key(r.getString(0), r.getInt(1)));
        if (mark != null && mark >= start) {
          if (mark >= end) {
            continue; // a replay of a range the ledger already holds
          }
          // A replay with another range than the first attempt: the ledger gets only the rest.
          Row rest =
              parsed
                  .filter(
                      col("kafka_topic")
                          .equalTo(r.getString(0))
                          .and(col("kafka_partition").equalTo(r.getInt(1)))
                          .and(col("kafka_offset").gt(mark)))
                  .agg(
                      min("kafka_offset"),
                      count("*"),
                      sum(when(col("reason_code").isNull(), 1).otherwise(0)).cast("long"),
                      sum(when(col("reason_code").isNotNull(), 1).otherwise(0)).cast("long"))
                  .first();
          start = rest.getLong(0);
          counts = new long[] {rest.getLong(1), rest.getLong(2), rest.getLong(3)};
          expectedStart = mark + 1;
        }
        if (start > expectedStart) {
          // Below Kafka's earliest offset the gap was deleted; above it, it holds offsets no
          // consumer sees (transaction markers, aborted or compacted records): a hole.
          if (earliest == null) {
            earliest = KafkaTopics.earliestOffsets(config.get(Settings.KAFKA_BOOTSTRAP));
          }
          long firstKept = Math.min(start, Math.max(expectedStart, earliest.getOrDefault(tp, 0L)));
          if (firstKept > expectedStart) {
            lostFrom = expectedStart;
            lostTo = firstKept - 1;
            batchLost += firstKept - expectedStart;
            LOG.warn(
                "Offsets {} to {} of {} were deleted from Kafka before bronze read them; recorded"
                    + " as lost.",
                lostFrom,
                lostTo,
                tp);
            skipped.add(
                RowFactory.create(
                    qid,
                    batchId,
                    r.getString(0),
                    r.getInt(1),
                    lostFrom,
                    lostTo,
                    "deleted",
                    ingestedAt));
          }
          if (start > firstKept) {
            skipped.add(
                RowFactory.create(
                    qid,
                    batchId,
                    r.getString(0),
                    r.getInt(1),
                    firstKept,
                    start - 1,
                    "hole",
                    ingestedAt));
          }
        }
        ledger.add(
            RowFactory.create(
                qid,
                batchId,
                r.getString(0),
                r.getInt(1),
                start,
                end,
                counts[0],
                counts[1],
                counts[2],
                lostFrom,
                lostTo,
                ingestedAt));
      }
      if (!skipped.isEmpty()) {
        replay |=
            CommitGuard.appendOnce(
                    session,
                    Tables.OPS_SKIPPED_OFFSETS,
                    session.createDataFrame(skipped, SKIPPED_SCHEMA),
                    qid,
                    batchId,
                    allRanges,
                    "to_offset")
                != CommitGuard.Outcome.WROTE;
      }
      replay |=
          CommitGuard.appendOnce(
                  session,
                  Tables.OPS_STREAM_BATCHES,
                  session.createDataFrame(ledger, LEDGER_SCHEMA),
                  qid,
                  batchId,
                  allRanges,
                  "end_offset")
              != CommitGuard.Outcome.WROTE;
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
