package dev.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-parses dead letters with the current contract (after a fix, say) and moves those that now pass
 * into bronze, exactly once: each insert is a MERGE keyed by the message's Kafka coordinates, and
 * the dead letter is then stamped {@code replayed_at}. Replaying twice adds nothing.
 */
public final class DeadLetterReplay {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);

  /** How many were selected, moved into bronze per topic, and still broken per reason. */
  public record Result(long selected, Map<String, Long> replayed, Map<String, Long> stillDead) {
    public long replayedTotal() {
      return replayed.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private DeadLetterReplay() {}

  /**
   * Dead letters waiting (not replayed), by topic and reason, with their first and last arrival.
   */
  public static List<Row> list(SparkSession spark, String reason, Timestamp since) {
    BronzeTables.createIfMissing(spark);
    return selection(spark, reason, since)
        .groupBy("kafka_topic", "reason_code")
        .agg(
            expr("count(*) AS messages"),
            expr("min(ingested_at) AS first_ingested_at"),
            expr("max(ingested_at) AS last_ingested_at"),
            expr("first(message) AS example"))
        .orderBy("kafka_topic", "reason_code")
        .collectAsList();
  }

  static Dataset<Row> selection(SparkSession spark, String reason, Timestamp since) {
    Dataset<Row> dead =
        spark
            .table(Tables.qualified(Tables.BRONZE_DEAD_LETTERS))
            .filter(col("replayed_at").isNull());
    if (reason != null) {
      dead = dead.filter(col("reason_code").equalTo(reason));
    }
    if (since != null) {
      dead = dead.filter(col("ingested_at").geq(lit(since)));
    }
    return dead;
  }

  public static Result replay(
      SparkSession spark, LakehouseConfig config, String reason, Timestamp since) {
    BronzeTables.createIfMissing(spark);
    Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
    Dataset<Row> dead = selection(spark, reason, since).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long selected = dead.count();
      Dataset<Row> asKafka =
          dead.select(
              expr("CAST(kafka_key AS BINARY)").as("key"),
              col("raw_value").as("value"),
              col("kafka_topic").as("topic"),
              col("kafka_partition").as("partition"),
              col("kafka_offset").as("offset"),
              col("kafka_ts").as("timestamp"));
      Dataset<Row> parsed =
          MessageParsing.parse(asKafka, config.contractLimits())
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Map<String, Long> replayed = new TreeMap<>();
        for (String topic : Topic.names()) {
          Dataset<Row> valid = MessageParsing.valid(parsed, topic, now);
          long n = valid.count();
          if (n == 0) {
            continue;
          }
          valid.createOrReplaceTempView("replay_source");
          spark.sql(
              "MERGE INTO "
                  + Tables.qualified(Topic.of(topic).bronzeTable())
                  + " t USING replay_source s"
                  + " ON t.kafka_topic = s.kafka_topic AND t.kafka_partition = s.kafka_partition"
                  + " AND t.kafka_offset = s.kafka_offset WHEN NOT MATCHED THEN INSERT *");
          replayed.put(topic, n);
        }
        parsed
            .filter(col("reason_code").isNull())
            .select("kafka_topic", "kafka_partition", "kafka_offset")
            .createOrReplaceTempView("replay_done");
        if (!replayed.isEmpty()) {
          spark.sql(
              "MERGE INTO "
                  + Tables.qualified(Tables.BRONZE_DEAD_LETTERS)
                  + " t USING replay_done s"
                  + " ON t.kafka_topic = s.kafka_topic AND t.kafka_partition = s.kafka_partition"
                  + " AND t.kafka_offset = s.kafka_offset AND t.replayed_at IS NULL"
                  + " WHEN MATCHED THEN UPDATE SET replayed_at = TIMESTAMP '"
                  + now
                  + "'");
        }
        Map<String, Long> stillDead = new LinkedHashMap<>();
        for (Row r :
            parsed
                .filter(col("reason_code").isNotNull())
                .groupBy("reason_code")
                .count()
                .collectAsList()) {
          stillDead.put(r.getString(0), r.getLong(1));
        }
        LOG.info(
            "Replayed {} of {} dead letters into bronze {}; {} still break the contract {}.",
            replayed.values().stream().mapToLong(Long::longValue).sum(),
            selected,
            replayed,
            stillDead.values().stream().mapToLong(Long::longValue).sum(),
            stillDead);
        return new Result(selected, replayed, stillDead);
      } finally {
        parsed.unpersist();
      }
    } finally {
      dead.unpersist();
    }
  }
}
