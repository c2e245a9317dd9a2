-- The window's transactions, new or changed (by row_hash). The window bounds are literals so that
-- Iceberg prunes the target to the window's days(event_ts) partitions.
MERGE INTO ${target} fact
USING ${source} latest
ON fact.transaction_id = latest.transaction_id
  AND fact.event_ts >= ${window_start_ts} AND fact.event_ts < ${window_end_exclusive_ts}
WHEN MATCHED AND fact.row_hash <> latest.row_hash THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
