package dev.lakehouse.fraud;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.ops.OpsTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The fraud tables: alerts, the decision (feature) log and the labels. */
public final class FraudTables {
  private static final String PROPERTIES =
      "TBLPROPERTIES ('format-version'='2', 'write.distribution-mode'='none',"
          + " 'write.spark.fanout.enabled'='true', 'write.parquet.compression-codec'='zstd',"
          + " 'write.metadata.delete-after-commit.enabled'='true',"
          + " 'write.metadata.previous-versions-max'='100')";

  /** Where a row came from on Kafka: the transaction's creation event. */
  private static final String KAFKA_COLUMNS =
      "kafka_topic STRING, kafka_partition INT, kafka_offset BIGINT, kafka_ts TIMESTAMP";

  static final StructType LABELS =
      new StructType()
          .add("transaction_id", DataTypes.StringType, false)
          .add("customer_id", DataTypes.StringType)
          .add("is_fraud", DataTypes.BooleanType, false)
          .add("pattern", DataTypes.StringType)
          .add("source", DataTypes.StringType, false)
          .add("labelled_at", DataTypes.TimestampType, false);

  private FraudTables() {}

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.FRAUD, Tables.OPS);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.qualified(Tables.FRAUD_ALERTS)
            + " (alert_id STRING COMMENT 'rule and transaction: the same alert always has the same"
            + " id', rule STRING, score DOUBLE COMMENT 'how far past the threshold of the rule (1 ="
            + " at it)', transaction_id STRING,"
            + " customer_id STRING, account_id STRING, txn_type STRING, amount DECIMAL(18,2),"
            + " currency STRING, amount_inr DECIMAL(18,2), event_ts TIMESTAMP, detected_ts"
            + " TIMESTAMP COMMENT 'when the stream decided', reason STRING, "
            + KAFKA_COLUMNS
            + ") USING iceberg PARTITIONED BY (days(event_ts)) COMMENT 'One row per (rule,"
            + " transaction) a fraud rule alerted on.' "
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.qualified(Tables.FRAUD_DECISIONS)
            + " (transaction_id STRING, customer_id STRING, account_id STRING, txn_type STRING,"
            + " amount_inr DECIMAL(18,2), event_ts TIMESTAMP, detected_ts TIMESTAMP,"
            + " history_count BIGINT COMMENT 'scored transactions of the customer before this"
            + " one', mean_inr DOUBLE, z_score DOUBLE, velocity_count INT COMMENT 'transactions"
            + " in the velocity window, this one included', km_from_last DOUBLE, kmh_from_last"
            + " DOUBLE, new_device BOOLEAN, hour_of_day INT, model_score DOUBLE, rules"
            + " ARRAY<STRING> COMMENT 'the rules that alerted', "
            + KAFKA_COLUMNS
            + ") USING iceberg PARTITIONED BY (days(event_ts)) COMMENT 'One row per transaction"
            + " the fraud stream scored: the features it saw then and the rules that fired.' "
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.qualified(Tables.FRAUD_LABELS)
            + " (transaction_id STRING NOT NULL, customer_id STRING, is_fraud BOOLEAN NOT NULL,"
            + " pattern STRING COMMENT 'the fraud pattern; null when not fraud', source STRING"
            + " NOT NULL COMMENT 'generator or the replayed data set', labelled_at TIMESTAMP NOT"
            + " NULL) USING iceberg COMMENT 'One row per labelled transaction: the ground truth"
            + " fraud-eval measures the rules against.' "
            + PROPERTIES);
    OpsTables.createIfMissing(spark);
  }

  /**
   * Records labels, one row per transaction: a transaction labelled again (the same data replayed)
   * keeps one row, the newest label. Returns how many labels were written.
   */
  public static long writeLabels(SparkSession spark, List<FraudLabel> labels) {
    if (labels.isEmpty()) {
      return 0;
    }
    createIfMissing(spark);
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>(labels.size());
    for (FraudLabel l : labels) {
      rows.add(
          RowFactory.create(
              l.transactionId(), l.customerId(), l.fraud(), l.pattern(), l.source(), now));
    }
    Dataset<Row> source = spark.createDataFrame(rows, LABELS).dropDuplicates("transaction_id");
    source.createOrReplaceTempView("incoming_fraud_labels");
    spark.sql(
        "MERGE INTO "
            + Tables.qualified(Tables.FRAUD_LABELS)
            + " t USING incoming_fraud_labels s ON t.transaction_id = s.transaction_id"
            + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    return labels.size();
  }
}
