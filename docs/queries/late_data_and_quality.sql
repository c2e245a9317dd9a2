-- Operations: the last silver runs, their rule failures and the late arrivals still waiting for a backfill.
SELECT run_id, mode, business_date, status, rows_read, rows_inserted, rows_updated, rows_quarantined, rows_late
FROM ops.runs WHERE job = 'silver' ORDER BY started_at DESC LIMIT 10;

SELECT rule, severity, sum(rows_failed) AS rows_failed
FROM ops.dq_results GROUP BY rule, severity HAVING sum(rows_failed) > 0 ORDER BY rows_failed DESC;

SELECT source_table, event_date, count(*) AS waiting
FROM ops.late_arrivals WHERE applied_run_id IS NULL GROUP BY 1, 2 ORDER BY 2;
