-- daily_revenue_summary: one row per day, merchant category (NONE without a merchant) and city tier
-- (0 when the customer is unknown), for the days window_start..window_end.
-- txn_count, volume and the average ticket count SUCCESS only, all_status_count every status;
-- revenue is the platform fees; failure_rate = FAILED / (SUCCESS + FAILED + REVERSED), the day's settled
-- transactions (PENDING is not an outcome yet; null while nothing has settled).
WITH window_transactions AS (
  SELECT event_date, merchant_category, city_tier, status, amount_inr, fee_inr
  FROM ${fct_transactions}
  WHERE event_date BETWEEN ${window_start} AND ${window_end}
)

SELECT
  event_date AS summary_date,
  merchant_category,
  coalesce(city_tier, 0) AS city_tier,
  count(*) AS all_status_count,
  count_if(status = 'SUCCESS') AS txn_count,
  coalesce(sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END), 0) AS volume_inr,
  sum(fee_inr) AS revenue_inr,
  CASE
    WHEN count_if(status = 'SUCCESS') > 0
      THEN sum(CASE WHEN status = 'SUCCESS' THEN amount_inr END) / count_if(status = 'SUCCESS')
  END AS avg_ticket_inr,
  count_if(status = 'FAILED')
    / nullif(count_if(status IN ('SUCCESS', 'FAILED', 'REVERSED')), 0) AS failure_rate
FROM window_transactions
GROUP BY 1, 2, 3
