package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Checks that every Kafka message is accounted for exactly once in bronze, dead letters and the
 * ledger.
 */
final class LedgerChecks {
  private LedgerChecks() {}

  static String landedUnion() {
    StringBuilder sql = new StringBuilder();
    for (String topic : Topic.names()) {
      sql.append("SELECT kafka_topic, kafka_partition, kafka_offset FROM ")
          .append(Topic.of(topic).bronzeTable())
          .append(" UNION ALL ");
    }
    // A replayed dead letter lives on in bronze; the dead-letter row keeps its history with
    // replayed_at.
    return sql.append("SELECT kafka_topic, kafka_partition, kafka_offset FROM ")
        .append(Tables.BRONZE_DEAD_LETTERS)
        .append(" WHERE replayed_at IS NULL")
        .toString();
  }

  /** No (topic, partition, offset) twice anywhere, and no batch twice in the ledger. */
  static void assertNoDuplicates(SparkSession spark) {
    assertThat(
            spark
                .sql(
                    "SELECT kafka_topic, kafka_partition, kafka_offset, count(*) c FROM ("
                        + landedUnion()
                        + ") GROUP BY 1, 2, 3 HAVING c > 1")
                .count())
        .as("messages landed twice")
        .isZero();
    assertThat(
            spark
                .sql(
                    "SELECT query_id, batch_id, kafka_topic, kafka_partition, count(*) c FROM "
                        + Tables.OPS_STREAM_BATCHES
                        + " GROUP BY 1, 2, 3, 4 HAVING c > 1")
                .count())
        .as("ledger rows twice")
        .isZero();
  }

  /**
   * Per topic-partition, the ledger's offset ranges follow each other without gap or overlap (apart
   * from recorded losses), each ledger row's counts match what landed for its range, and consumed =
   * bronze + dead letters.
   */
  static void assertLedgerMatchesTables(SparkSession spark) {
    // A few thousand offsets: counting them per range here scans each table once, where correlated
    // subqueries took Spark seconds per call.
    Map<String, long[]> landed = offsets(spark, landedUnion());
    Map<String, long[]> dead =
        offsets(
            spark,
            "SELECT kafka_topic, kafka_partition, kafka_offset FROM " + Tables.BRONZE_DEAD_LETTERS);
    List<Row> rows =
        spark
            .sql(
                "SELECT kafka_topic, kafka_partition, start_offset, end_offset, consumed,"
                    + " bronze_rows, dead_letters, lost_from_offset, lost_to_offset FROM "
                    + Tables.OPS_STREAM_BATCHES
                    + " ORDER BY 1, 2, 3")
            .collectAsList();
    assertThat(rows).isNotEmpty();
    List<Row> holes =
        spark
            .sql(
                "SELECT kafka_topic, kafka_partition, from_offset, to_offset FROM "
                    + Tables.OPS_SKIPPED_OFFSETS
                    + " WHERE kind = 'hole'")
            .collectAsList();
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
      // Between ranges only what was recorded: a deleted range (in the row), then holes.
      long next = expectedStart;
      if (!r.isNullAt(7)) {
        assertThat(r.getLong(7))
            .as("lost range of %s starts where the previous ended", tp)
            .isEqualTo(next);
        next = r.getLong(8) + 1;
      }
      for (Row h : holes) {
        if ((h.getString(0) + "-" + h.getInt(1)).equals(tp)
            && h.getLong(2) == next
            && h.getLong(3) < start) {
          next = h.getLong(3) + 1;
        }
      }
      assertThat(next)
          .as("ledger range of %s starts where the previous ended, recorded gaps aside", tp)
          .isEqualTo(start);
      assertThat(r.getLong(4))
          .as("consumed = bronze + dead letters for %s", tp)
          .isEqualTo(r.getLong(5) + r.getLong(6));
      assertThat(r.getLong(4))
          .as("ledger count equals rows landed for %s [%s, %s]", tp, start, end)
          .isEqualTo(countBetween(landed.get(tp), start, end));
      assertThat(r.getLong(6))
          .as("dead letters of %s", tp)
          .isEqualTo(countBetween(dead.get(tp), start, end));
      assertThat(r.getLong(4))
          .as("no offset missing in %s [%s, %s] but the holes recorded", tp, start, end)
          .isEqualTo(end - start + 1 - holes(holes, r.getString(0), r.getInt(1), start, end));
      expectedStart = end + 1;
    }
  }

  /** Offsets of the recorded holes inside [start, end] of one topic-partition. */
  private static long holes(List<Row> holes, String topic, int partition, long start, long end) {
    long n = 0;
    for (Row h : holes) {
      if (h.getString(0).equals(topic)
          && h.getInt(1) == partition
          && h.getLong(2) > start
          && h.getLong(3) < end) {
        n += h.getLong(3) - h.getLong(2) + 1;
      }
    }
    return n;
  }

  /** The offsets the query returns, sorted, per "topic-partition". */
  private static Map<String, long[]> offsets(SparkSession spark, String sql) {
    Map<String, List<Long>> lists = new HashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      lists
          .computeIfAbsent(r.getString(0) + "-" + r.getInt(1), k -> new ArrayList<>())
          .add(r.getLong(2));
    }
    Map<String, long[]> sorted = new HashMap<>();
    lists.forEach(
        (tp, list) -> sorted.put(tp, list.stream().mapToLong(Long::longValue).sorted().toArray()));
    return sorted;
  }

  /** How many of the sorted offsets lie in [from, to]; duplicates count each time. */
  private static long countBetween(long[] sorted, long from, long to) {
    return sorted == null ? 0 : firstAtLeast(sorted, to + 1) - firstAtLeast(sorted, from);
  }

  private static int firstAtLeast(long[] sorted, long value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
