package dev.lakehouse.ops;

/**
 * The snapshot-summary properties with which the bronze stream stamps each Iceberg commit: the
 * streaming query id and the micro-batch id. The stream's exactly-once guard looks for them, and
 * maintenance never expires the newest stamped snapshot.
 */
public final class SnapshotStamp {
  /** The streaming query that wrote the snapshot. */
  public static final String QUERY_ID = "lakehouse.stream-query-id";

  /** The micro-batch of that query that wrote the snapshot. */
  public static final String BATCH_ID = "lakehouse.stream-batch-id";

  /** The write option that puts a property into the snapshot summary. */
  public static String writeOption(String property) {
    return "snapshot-property." + property;
  }

  private SnapshotStamp() {}
}
