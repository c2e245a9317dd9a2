package dev.lakehouse.ops;

/**
 * The snapshot-summary properties with which the bronze stream stamps each Iceberg commit: the
 * streaming query id, the micro-batch id and the table's high-water offsets. The stream's
 * exactly-once guard reads them, and maintenance never expires the newest stamped snapshot.
 */
public final class SnapshotStamp {
  /** The streaming query that wrote the snapshot. */
  public static final String QUERY_ID = "lakehouse.stream-query-id";

  /** The micro-batch of that query that wrote the snapshot. */
  public static final String BATCH_ID = "lakehouse.stream-batch-id";

  /**
   * JSON map of Kafka "topic:partition" to the last offset of the stream the table holds after this
   * commit (its high-water marks), which the exactly-once guard reads.
   */
  public static final String OFFSETS = "lakehouse.stream-offsets";

  /** The write option that puts a property into the snapshot summary. */
  public static String writeOption(String property) {
    return "snapshot-property." + property;
  }

  private SnapshotStamp() {}
}
