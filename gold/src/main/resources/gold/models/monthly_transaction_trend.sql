-- monthly_transaction_trend: one row per month (first_month..last_month) and txn_type present that
-- month. txn_count and volume_inr count SUCCESS only, all_status_count every status.
WITH window_transactions AS (
  SELECT trunc(event_date, 'MM') AS month_start, txn_type, status, amount_inr
  FROM ${fct_transactions}
  WHERE event_date >= ${first_month} AND event_date < add_months(${last_month}, 1)
)

SELECT
  month_start,
  txn_type,
  count(*) AS all_status_count,
  count_if(status = 'SUCCESS') AS txn_count,
  coalesce(sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END), 0) AS volume_inr
FROM window_transactions
GROUP BY 1, 2
