package dev.lakehouse.export;

/**
 * A table copied into a new version (a table of {@code marts_data}) and verified against gold,
 * waiting for its view to be pointed at it; {@code grain} is the table's comment in gold.
 */
record StagedTable(
    ExportedTable table,
    String version,
    long snapshotId,
    long rows,
    Checksum checksum,
    String grain) {}
