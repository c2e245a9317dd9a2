package dev.lakehouse.bronze;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.FieldSpec;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ops.OpsTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Creates the bronze and stream-ledger tables when they do not exist yet. */
public final class BronzeTables {
  private static final String PROPERTIES =
      "TBLPROPERTIES ('format-version'='2', 'write.distribution-mode'='none',"
          + " 'write.spark.fanout.enabled'='true', 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  private BronzeTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.BRONZE, Tables.OPS);
    for (Topic topic : Topic.values()) {
      spark.sql(topicTableDdl(topic));
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.BRONZE_DEAD_LETTERS
            + " ( kafka_topic STRING, kafka_partition INT, kafka_offset BIGINT, kafka_ts TIMESTAMP,"
            + " kafka_key STRING, raw_value BINARY COMMENT 'the message bytes exactly as Kafka"
            + " delivered them', raw_text STRING COMMENT 'the message as text when it is valid"
            + " UTF-8', reason_code STRING COMMENT 'see docs/event-contract.md: dead-letter reason"
            + " codes', stage STRING COMMENT 'decode, parse or validate', message STRING,"
            + " ingested_at TIMESTAMP, replayed_at TIMESTAMP COMMENT 'when lakehouse dead-letters"
            + " replay moved it into bronze; null while it is a dead letter') USING iceberg"
            + " PARTITIONED BY (days(ingested_at)) COMMENT 'One row per Kafka message that broke"
            + " the event contract.' "
            + PROPERTIES);
    if (!java.util.Arrays.asList(
            spark.table(Tables.qualified(Tables.BRONZE_DEAD_LETTERS)).columns())
        .contains("replayed_at")) {
      spark.sql("ALTER TABLE " + Tables.BRONZE_DEAD_LETTERS + " ADD COLUMN replayed_at TIMESTAMP");
    }
    OpsTables.createIfMissing(spark);
  }

  static String topicTableDdl(Topic topic) {
    List<String> columns = new ArrayList<>();
    for (FieldSpec spec : topic.fields()) {
      columns.add(spec.name() + " " + BronzeSchemas.sparkType(spec).sql());
    }
    columns.add("schema_version INT");
    columns.add(
        "extra_fields STRING COMMENT 'fields the contract does not know, as a JSON object'");
    columns.add("kafka_topic STRING");
    columns.add("kafka_partition INT");
    columns.add("kafka_offset BIGINT");
    columns.add("kafka_ts TIMESTAMP");
    columns.add("kafka_key STRING");
    columns.add("ingested_at TIMESTAMP");
    return "CREATE TABLE IF NOT EXISTS "
        + topic.bronzeTable()
        + " ("
        + String.join(", ", columns)
        + ") USING iceberg PARTITIONED BY ("
        + topic.partitionTransform()
        + ")"
        + " COMMENT '"
        + topic.bronzeGrain().replace("\\", "\\\\").replace("'", "\\'")
        + "' "
        + PROPERTIES;
  }
}
