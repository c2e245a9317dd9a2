package dev.lakehouse.export;

/** A table copied into its staging table and verified against gold, waiting to be published. */
record StagedTable(
    ExportedTable table, String stagingName, long snapshotId, long rows, Checksum checksum) {}
