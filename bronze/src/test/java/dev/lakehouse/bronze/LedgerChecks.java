package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Checks that every Kafka message is accounted for exactly once in bronze, dead letters and the ledger. */
final class LedgerChecks {
  private LedgerChecks() {}

  static String landedUnion() {
    StringBuilder sql = new StringBuilder();
    for (String topic : Topic.names()) {
      sql.append("SELECT kafka_topic, kafka_partition, kafka_offset FROM ").append(Topic.of(topic).bronzeTable()).append(" UNION ALL ");
    }
    // A replayed dead letter lives on in bronze; the dead-letter row keeps its history with replayed_at.
    return sql.append("SELECT kafka_topic, kafka_partition, kafka_offset FROM ").append(Tables.BRONZE_DEAD_LETTERS)
        .append(" WHERE replayed_at IS NULL").toString();
  }

  /** No (topic, partition, offset) twice anywhere, and no batch twice in the ledger. */
  static void assertNoDuplicates(SparkSession spark) {
    assertThat(spark.sql("SELECT kafka_topic, kafka_partition, kafka_offset, count(*) c FROM (" + landedUnion()
        + ") GROUP BY 1, 2, 3 HAVING c > 1").count()).as("messages landed twice").isZero();
    assertThat(spark.sql("SELECT query_id, batch_id, kafka_topic, kafka_partition, count(*) c FROM "
        + Tables.OPS_STREAM_BATCHES + " GROUP BY 1, 2, 3, 4 HAVING c > 1").count()).as("ledger rows twice").isZero();
  }

  /**
   * Per topic-partition, the ledger's offset ranges follow each other without gap or overlap (apart from
   * recorded losses), each ledger row's counts match what landed for its range, and consumed = bronze +
   * dead letters.
   */
  static void assertLedgerMatchesTables(SparkSession spark) {
    spark.sql(landedUnion()).createOrReplaceTempView("landed");
    List<Row> rows = spark.sql(
        "SELECT b.kafka_topic, b.kafka_partition, b.start_offset, b.end_offset, b.consumed, b.bronze_rows,"
            + " b.dead_letters, b.lost_from_offset, b.lost_to_offset,"
            + " (SELECT count(*) FROM landed l WHERE l.kafka_topic = b.kafka_topic AND l.kafka_partition = b.kafka_partition"
            + "   AND l.kafka_offset BETWEEN b.start_offset AND b.end_offset) AS landed,"
            + " (SELECT count(*) FROM " + Tables.BRONZE_DEAD_LETTERS + " d WHERE d.kafka_topic = b.kafka_topic"
            + "   AND d.kafka_partition = b.kafka_partition AND d.kafka_offset BETWEEN b.start_offset AND b.end_offset) AS dead"
            + " FROM " + Tables.OPS_STREAM_BATCHES + " b ORDER BY 1, 2, 3").collectAsList();
    assertThat(rows).isNotEmpty();
    String previousTp = null;
    long expectedStart = 0;
    for (Row r : rows) {
      String tp = r.getString(0) + "-" + r.getInt(1);
      if (!tp.equals(previousTp)) {
        expectedStart = 0;
        previousTp = tp;
      }
      long start = r.getLong(2);
      long end = r.getLong(3);
      long gapStart = r.isNullAt(7) ? start : r.getLong(7);
      assertThat(gapStart).as("ledger range of %s starts where the previous ended", tp).isEqualTo(expectedStart);
      assertThat(r.getLong(4)).as("consumed = bronze + dead letters for %s", tp).isEqualTo(r.getLong(5) + r.getLong(6));
      assertThat(r.getLong(4)).as("ledger count equals rows landed for %s [%s, %s]", tp, start, end).isEqualTo(r.getLong(9));
      assertThat(r.getLong(6)).as("dead letters of %s", tp).isEqualTo(r.getLong(10));
      assertThat(r.getLong(4)).as("no offset missing in %s [%s, %s]", tp, start, end).isEqualTo(end - start + 1);
      expectedStart = end + 1;
    }
  }
}
